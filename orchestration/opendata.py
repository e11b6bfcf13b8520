"""Open data published back with each publication: the directory of places and the main indicators per
territory, as CSV and GeoJSON with a Table Schema, ready to upload to data.gouv.fr.

    <warehouse>/exports/opendata/
        lieux.csv, lieux.geojson                          one row / feature per place of marts.dim_place
        indicateurs_territoires.csv, .geojson             one row / feature per territory of fct_summary_territory
        schema_lieux.json, schema_indicateurs_territoires.json   Table Schemas (Etalab conventions)
        datapackage.json                                  the Data Package: resources, sources, licence
        LISEZMOI.md                                       what, base, sources, dates, licence, how to upload

Conventions of schema.data.gouv.fr: French field names, titles and descriptions; codes typed ``string`` with
a ``pattern`` (leading zeros, 2A/2B kept); dates ``date`` in ISO format; empty cell = missing value; CSV in
UTF-8 with ``,`` and a header; every row carries its sources with their retrieval dates, the publication's
date and the licence (Licence Ouverte 2.0).

Columns are selected explicitly from documented marts (``COLUMNS_*``): a column added to a mart does not
change the files; adding it here is one line. The territories' GeoJSON holds points, the population centre
of each territory's communes (commune centres weighted by their population), not contours: communes'
contours would weigh hundreds of MB nationally, the contours are in the GeoPackage (exports/observatoire.gpkg).

DuckDB writes the files set-based (:func:`_write_resource`: ``COPY`` for the CSV, one query for the GeoJSON's
text), byte for byte as Python's csv and json modules wrote them from fetched rows (about three times faster at
national scale; the tests compare the files with what those modules write; the one difference, the case of
the hexadecimal escapes of control characters, is in :func:`_json_text`).

:func:`write_opendata` first checks, by one set-based query per file (:func:`broken_constraints`), that the
rows about to be written meet their schema's constraints (required, pattern, enum, bounds, unique, primary
key: the schema and the check are built from the same column declarations); a value that breaks one raises
:class:`OpenDataError` (French: file, line, column, value), which stops the publication
(orchestration/exports.py writes these files before the swap). :func:`validate` validates the written files
with ``frictionless`` (Data Package, each CSV, the GeoJSON properties): the tests run it on the demo's and the
real files' publications. It is not run at each publication: frictionless reads every value in Python, about
5 s at national scale for what the query above already checked.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import duckdb

from ingest.load import sql_identifier, sql_literal

FOLDER = "opendata"
LICENCE = "Licence Ouverte / Open Licence version 2.0"
LICENCE_URL = "https://www.etalab.gouv.fr/licence-ouverte-open-licence"
TABLE_SCHEMA = "https://frictionlessdata.io/schemas/table-schema.json"
SCHEMA_VERSION = "1.0.0"

# Code patterns (Table Schema patterns are implicitly anchored at both ends).
COMMUNE = "[0-9][0-9AB][0-9]{3}"
DEPARTEMENT = "[0-9]{2}|2[AB]|97[0-9]"
REGION = "[0-9]{2}"
EPCI = "[0-9]{9}"
CANTON = "[0-9][0-9AB][0-9]{2,3}"
TERRITORY = "FR|[0-9][0-9AB][0-9]{0,7}"


class OpenDataError(Exception):
    """An open-data file does not validate against its schema (French message): the publication stops."""


@dataclass(frozen=True)
class Column:
    name: str            # French field name (CSV header, GeoJSON property)
    sql: str             # expression on the resource's query
    type: str            # Table Schema type: string, integer, number, boolean, date
    title: str           # French
    description: str     # French
    pattern: str | None = None
    required: bool = False
    unique: bool = False
    enum: tuple[str, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None

    def descriptor(self) -> dict:
        field: dict = {"name": self.name, "title": self.title, "description": self.description, "type": self.type}
        if self.type == "date":
            field["format"] = "default"   # ISO 8601, AAAA-MM-JJ
        constraints: dict = {}
        if self.required:
            constraints["required"] = True
        if self.unique:
            constraints["unique"] = True
        if self.pattern:
            constraints["pattern"] = self.pattern
        if self.enum:
            constraints["enum"] = list(self.enum)
        if self.minimum is not None:
            constraints["minimum"] = self.minimum
        if self.maximum is not None:
            constraints["maximum"] = self.maximum
        if constraints:
            field["constraints"] = constraints
        return field


def _common(sources: str, fetched_on: str) -> tuple[Column, ...]:
    """The columns every row carries: its sources, their date, the publication's date, the licence."""
    return (
        Column("sources", sources, "string", "Sources",
               "Identifiants des sources de la ligne, séparés par « ; » ; le libellé, l'éditeur, la licence, le "
               "fichier et la date de récupération de chacune sont dans datapackage.json (sources) et LISEZMOI.md",
               required=True),
        Column("date_donnees", fetched_on, "date", "Date des données",
               "Date de récupération la plus récente des fichiers sources de la ligne (AAAA-MM-JJ)"),
        Column("date_publication", "pub.built_on", "date", "Date de publication",
               "Date de la publication de l'observatoire qui a écrit ce fichier (AAAA-MM-JJ)", required=True),
        Column("licence", f"'{LICENCE}'", "string", "Licence", "Licence de réutilisation de la ligne",
               required=True, enum=(LICENCE,)),
    )


# --- the directory of places (marts.dim_place) ---------------------------------------------------------
PLACE_COLUMNS: tuple[Column, ...] = (
    Column("identifiant", "p.place_id", "string", "Identifiant du lieu",
           "Identifiant stable du lieu dans l'observatoire : TL2019-<id> (inventaire 2019), FS-<id> (France "
           "Services), ENQ-<id> (lieu recensé par l'enquête)", required=True, unique=True),
    Column("identifiant_lieu_reel", "p.real_place_id", "string", "Identifiant du lieu réel",
           "Lieu réel commun à plusieurs lignes (un tiers-lieu et une France Services au même endroit le "
           "partagent)"),
    Column("nom", "p.place_name", "string", "Nom", "Nom du lieu tel que publié par sa source", required=True),
    Column("famille", "p.place_family", "string", "Famille",
           "tiers_lieu (inventaire), france_services, tiers_lieu_local (recensé uniquement par l'enquête de "
           "l'observatoire)", required=True,
           enum=("tiers_lieu", "france_services", "tiers_lieu_local", "laureat_programme",
                 "structure_conseiller_numerique")),
    Column("categorie", "p.place_category", "string", "Catégorie",
           "Catégorie utilisée par les indicateurs : coworking, fablab_makerspace, atelier_partage, culturel, "
           "social, autre, non_renseigne, france_services"),
    Column("type_publie", "p.place_type", "string", "Type publié", "Type de lieu tel que publié par la source"),
    Column("type_france_services", "p.fs_type", "string", "Type de France Services",
           "Principal ou Antenne (France Services) ; vide quand la source ne le dit pas"),
    Column("adresse", "p.address", "string", "Adresse", "Adresse telle que publiée"),
    Column("code_postal", "p.postcode", "string", "Code postal", "Code postal (5 chiffres)", pattern="[0-9]{5}"),
    Column("code_commune", "p.commune_code", "string", "Code commune",
           "Code INSEE de la commune du lieu (texte : zéros initiaux, 2A/2B)", required=True, pattern=COMMUNE),
    Column("commune", "p.commune_name", "string", "Commune", "Nom de la commune du lieu"),
    Column("code_epci", "p.epci_code", "string", "Code EPCI", "SIREN de l'EPCI de la commune", pattern=EPCI),
    Column("code_canton", "p.canton_code", "string", "Code canton", "Code INSEE du canton de la commune",
           pattern=CANTON),
    Column("code_departement", "p.departement_code", "string", "Code département", "Code INSEE du département",
           pattern=DEPARTEMENT),
    Column("code_region", "p.region_code", "string", "Code région", "Code INSEE de la région", pattern=REGION),
    Column("latitude", "p.latitude", "number", "Latitude",
           "Latitude WGS84 (degrés) : celle publiée, ou le centre de la commune (voir statut_coordonnees)",
           minimum=-90, maximum=90),
    Column("longitude", "p.longitude", "number", "Longitude", "Longitude WGS84 (degrés)", minimum=-180, maximum=180),
    Column("statut_coordonnees", "p.coordinates_status", "string", "Origine des coordonnées",
           "publiees, centre_commune_coordonnees_hors_departement, centre_commune_sans_coordonnees, absentes"),
    Column("methode_placement", "p.placement_method", "string", "Rattachement à la commune",
           "Comment la commune a été trouvée : code_insee, code_insee_commune_parente, code_insee_fusionne, "
           "code_postal, coordonnees_commune_la_plus_proche, enquete"),
    Column("siret", "p.siret", "string", "SIRET", "SIRET du lieu quand une source le donne", pattern="[0-9]{14}"),
    Column("site_web", "p.website", "string", "Site web", "Site web tel que publié (inventaire 2019)"),
    Column("courriel", "p.email", "string", "Courriel", "Adresse électronique telle que publiée"),
    Column("telephone", "p.phone", "string", "Téléphone", "Téléphone tel que publié (France Services)"),
    Column("fichier_source", "p.source_file", "string", "Fichier source",
           "Fichier de la fiche principale du lieu (traçabilité)"),
    *_common("coalesce(rs.sources, p.source_name)", "rs.fetched_on"),
)

_SOURCES_CTE = """
src as (select source_name, max(left(fetched_at, 10)) as fetched_on from marts.meta_sources group by source_name),
pub as (select max(built_at)::date::varchar as built_on from marts.meta_publication)"""

PLACES_QUERY = f"""
with {_SOURCES_CTE},
place_src as (select place_id, unnest(source_names) as source_name from marts.dim_place),
rs as (
    select ps.place_id, string_agg(s.source_name, ' ; ' order by s.source_name) as sources,
           max(s.fetched_on) as fetched_on
    from place_src ps join src s using (source_name) group by ps.place_id
)
select {{columns}}
from marts.dim_place p left join rs using (place_id) cross join pub
order by p.place_id"""


# --- the main indicators per territory (fct_summary_territory and the coverage and access marts) ---------
# The sources of a row: those of the marts it reads (meta_indicators), with their files and dates.
_INDICATOR_MARTS = ("fct_coverage_territory", "fct_access_territory", "fct_attendance_territory",
                    "fct_funding_territory")

TERRITORY_COLUMNS: tuple[Column, ...] = (
    Column("niveau", "s.territory_level", "string", "Niveau", "Niveau du territoire", required=True,
           enum=("commune", "canton", "epci", "departement", "region", "national")),
    Column("code", "s.territory_code", "string", "Code du territoire",
           "Code INSEE (commune, canton, département, région ; texte avec zéros initiaux et 2A/2B), SIREN pour un "
           "EPCI, FR pour la France", required=True, pattern=TERRITORY),
    Column("nom", "s.territory_name", "string", "Nom", "Nom officiel du territoire"),
    Column("code_departement", "s.departement_code", "string", "Code département",
           "Département du territoire (vide pour une région et la France)", pattern=DEPARTEMENT),
    Column("code_region", "s.region_code", "string", "Code région",
           "Région du territoire (celle de sa partie la plus peuplée pour un EPCI ou un canton à cheval)",
           pattern=REGION),
    Column("dans_territoire", "s.in_territory", "boolean", "Dans le territoire de l'observatoire",
           "true si le territoire fait partie du territoire suivi par l'observatoire ; les autres sont donnés pour "
           "comparaison"),
    Column("nb_communes", "s.n_communes", "integer", "Communes", "Nombre de communes (millésime du COG chargé)",
           minimum=0),
    Column("population", "s.population", "integer", "Population",
           "Population municipale (INSEE, populations légales) des communes du territoire", minimum=0),
    Column("nb_tiers_lieux", "s.n_tiers_lieux", "integer", "Tiers-lieux",
           "Tiers-lieux de l'annuaire (famille tiers_lieu de lieux.csv) situés dans le territoire", minimum=0),
    Column("tiers_lieux_pour_10000_hab", "s.tiers_lieux_per_10k", "number", "Tiers-lieux pour 10 000 habitants",
           "nb_tiers_lieux pour 10 000 habitants ; vide sans population", minimum=0),
    Column("nb_france_services", "s.n_france_services", "integer", "France Services",
           "Sites et antennes France Services situés dans le territoire", minimum=0),
    Column("france_services_pour_10000_hab", "s.france_services_per_10k", "number",
           "France Services pour 10 000 habitants", "nb_france_services pour 10 000 habitants ; vide sans population",
           minimum=0),
    Column("nb_cantons_sans_france_services", "c.n_cantons_without_france_services", "integer",
           "Cantons sans France Services",
           "Cantons (pseudo-cantons INSEE compris) du territoire sans aucune France Services", minimum=0),
    Column("distance_acces_km", "s.access_distance_km", "number", "Distance d'accès (km)",
           "Distance à vol d'oiseau des deux parts de population qui suivent (approximation, jamais un temps de "
           "trajet)", minimum=0),
    Column("part_population_proche_tiers_lieu", "s.share_within_tiers_lieu", "number",
           "Part de la population proche d'un tiers-lieu",
           "Part (0 à 1) de la population dont le centre de la commune est à distance_acces_km au plus d'un "
           "tiers-lieu ; vide quand elle n'est pas calculée (statut_acces)", minimum=0, maximum=1),
    Column("part_population_proche_france_services", "afs.share_within", "number",
           "Part de la population proche d'une France Services",
           "Part (0 à 1) de la population dont le centre de la commune est à distance_acces_km au plus d'une "
           "France Services ; vide pour une commune (voir distance_moyenne_france_services_km)", minimum=0,
           maximum=1),
    Column("base_part_population", "s.share_population_base", "number", "Base des parts de population",
           "Population des communes au centre connu / population (0 à 1) : sous 1, les parts ne portent que sur "
           "une partie de la population", minimum=0, maximum=1),
    Column("statut_acces", "s.access_status", "string", "Statut du calcul d'accès",
           "calcule, ou la raison pour laquelle la part n'est pas calculée (sans_centre, sans_habitant, aucun_lieu, "
           "distance_non_calculee)"),
    Column("distance_moyenne_tiers_lieu_km", "coalesce(atl.mean_nearest_km_per_inhabitant, ktl.nearest_km)",
           "number", "Distance moyenne au tiers-lieu le plus proche (km)",
           "Distance moyenne à vol d'oiseau, par habitant, du centre de sa commune au tiers-lieu le plus proche "
           "(pour une commune : la distance de son centre au plus proche)", minimum=0),
    Column("distance_moyenne_france_services_km", "coalesce(afs.mean_nearest_km_per_inhabitant, kfs.nearest_km)",
           "number", "Distance moyenne à la France Services la plus proche (km)",
           "Distance moyenne à vol d'oiseau, par habitant, du centre de sa commune à la France Services la plus "
           "proche (pour une commune : la distance de son centre à la plus proche)", minimum=0),
    Column("annee_enquete", "s.wave_year", "integer", "Année de l'enquête",
           "Année de la dernière vague de l'enquête de l'observatoire ; vide sans enquête"),
    Column("nb_lieux_repondants", "s.n_respondents", "integer", "Lieux répondants",
           "Lieux du territoire ayant répondu à cette vague (la base des visiteurs déclarés)", minimum=0),
    Column("visiteurs_par_semaine", "s.visitors_per_week", "integer", "Visiteurs par semaine",
           "Visiteurs hebdomadaires déclarés par ces lieux répondants", minimum=0),
    Column("subventions_tiers_lieux_eur", "s.amount_to_places_eur", "number", "Subventions aux tiers-lieux (EUR)",
           "Subventions publiées dont le bénéficiaire est rattaché à un tiers-lieu du territoire, toutes années "
           "chargées"),
    Column("nb_tiers_lieux_subventionnes", "s.n_places_funded", "integer", "Tiers-lieux subventionnés",
           "Tiers-lieux du territoire ayant reçu au moins une de ces subventions", minimum=0),
    Column("latitude", "ctr.latitude", "number", "Latitude du centre",
           "Centre de population du territoire (centres des communes pondérés par leur population, WGS84) ; vide "
           "pour la France", minimum=-90, maximum=90),
    Column("longitude", "ctr.longitude", "number", "Longitude du centre", "Comme latitude", minimum=-180,
           maximum=180),
    *_common("isrc.sources", "isrc.fetched_on"),
)

_CENTRE = ("coalesce(sum(population * {c}) / nullif(sum(population) filter (where {c} is not null), 0), "
           "avg({c}))")
_CENTRE_COLS = ", ".join(f"{_CENTRE.format(c=c)} as {c}" for c in ("latitude", "longitude"))

TERRITORIES_QUERY = f"""
with {_SOURCES_CTE},
isrc as (
    select string_agg(s.source_name, ' ; ' order by s.source_name) as sources, max(s.fetched_on) as fetched_on
    from src s
    where s.source_name in (select trim(unnest(string_split(source_names, ','))) from marts.meta_indicators
                            where mart in {_INDICATOR_MARTS})
),
communes as (select commune_code, canton_code, epci_code, departement_code, region_code, latitude, longitude,
                    population::double as population from marts.dim_commune),
ctr as (
    select 'commune' as territory_level, commune_code as territory_code, latitude, longitude from communes
    union all select 'canton', canton_code, {_CENTRE_COLS} from communes group by canton_code
    union all select 'epci', epci_code, {_CENTRE_COLS} from communes group by epci_code
    union all select 'departement', departement_code, {_CENTRE_COLS} from communes group by departement_code
    union all select 'region', region_code, {_CENTRE_COLS} from communes group by region_code
)
select {{columns}}
from marts.fct_summary_territory s
left join marts.fct_coverage_territory c using (territory_level, territory_code)
left join marts.fct_access_territory atl
       on atl.territory_level = s.territory_level and atl.territory_code = s.territory_code
      and atl.kind = 'tiers_lieu' and atl.distance_km = s.access_distance_km
left join marts.fct_access_territory afs
       on afs.territory_level = s.territory_level and afs.territory_code = s.territory_code
      and afs.kind = 'france_services' and afs.distance_km = s.access_distance_km
left join marts.fct_access_commune_kind ktl
       on s.territory_level = 'commune' and ktl.commune_code = s.territory_code and ktl.kind = 'tiers_lieu'
left join marts.fct_access_commune_kind kfs
       on s.territory_level = 'commune' and kfs.commune_code = s.territory_code and kfs.kind = 'france_services'
left join ctr on ctr.territory_level = s.territory_level and ctr.territory_code = s.territory_code
cross join isrc cross join pub
order by s.level_rank, s.territory_code"""


@dataclass(frozen=True)
class Resource:
    name: str            # file stem: <name>.csv, <name>.geojson, schema_<name>.json
    title: str
    description: str
    base: str            # what a row is, in French (schema, LISEZMOI)
    columns: tuple[Column, ...]
    query: str
    primary_key: tuple[str, ...]
    requires: tuple[str, ...]   # marts the query reads

    @property
    def csv(self) -> str:
        return f"{self.name}.csv"

    @property
    def geojson(self) -> str:
        return f"{self.name}.geojson"

    @property
    def schema_file(self) -> str:
        return f"schema_{self.name}.json"

    def sql(self) -> str:
        cols = ", ".join(f'{c.sql} as "{c.name}"' for c in self.columns)
        return self.query.replace("{columns}", cols)


RESOURCES: tuple[Resource, ...] = (
    Resource("lieux", "Annuaire des tiers-lieux et des France Services",
             "Les lieux que compte l'observatoire des tiers-lieux : tiers-lieux de l'inventaire national, sites et "
             "antennes France Services, lieux recensés par l'enquête de l'observatoire, rattachés à leur commune, "
             "avec leurs coordonnées, leurs sources et la date de celles-ci.",
             "une ligne par lieu compté par les indicateurs (table marts.dim_place de l'entrepôt)",
             PLACE_COLUMNS, PLACES_QUERY, ("identifiant",), ("dim_place", "meta_sources", "meta_publication")),
    Resource("indicateurs_territoires", "Indicateurs des tiers-lieux et des France Services par territoire",
             "Les indicateurs principaux de l'observatoire pour chaque territoire (commune, canton, EPCI, "
             "département, région, France) : population, tiers-lieux et France Services (nombre, pour 10 000 "
             "habitants), part de la population proche d'un lieu et distance moyenne au plus proche (à vol "
             "d'oiseau), dernière vague d'enquête, subventions publiées.",
             "une ligne par territoire (table marts.fct_summary_territory, complétée par fct_coverage_territory, "
             "fct_access_territory et fct_access_commune_kind)",
             TERRITORY_COLUMNS, TERRITORIES_QUERY, ("niveau", "code"),
             ("fct_summary_territory", "fct_coverage_territory", "fct_access_territory", "fct_access_commune_kind",
              "dim_commune", "meta_indicators", "meta_sources", "meta_publication")),
)


def table_schema(resource: Resource, built_on: str | None) -> dict:
    """The Table Schema of ``resource``, with the metadata schema.data.gouv.fr expects."""
    schema = {
        "$schema": TABLE_SCHEMA,
        "name": f"observatoire-tiers-lieux-{resource.name.replace('_', '-')}",
        "title": resource.title,
        "description": f"{resource.description} Base : {resource.base}.",
        "countryCode": "FR",
        "path": resource.schema_file,
        "resources": [{"title": f"Fichier publié ({resource.csv})", "path": resource.csv}],
        "version": SCHEMA_VERSION,
        "licenses": [{"name": "etalab-2.0", "title": LICENCE, "path": LICENCE_URL}],
        "contributors": [{"title": "Observatoire des tiers-lieux", "role": "author"}],
        "missingValues": [""],
        "primaryKey": list(resource.primary_key),
        "fields": [c.descriptor() for c in resource.columns],
    }
    if built_on:
        schema["lastModified"] = built_on
    return schema


def _name(column: Column) -> str:
    """The column's name as a SQL identifier."""
    return sql_identifier(column.name)


def _rows_table(resource: Resource) -> str:
    """The temporary table holding the rows of ``resource`` while its files are checked and written."""
    return f"opendata_{resource.name}"


def _number_text(value: str) -> str:
    """SQL: the CSV text of the number ``value`` (a SQL expression), NULL when missing (NaN too).

    DuckDB casts a double to varchar as Python's ``repr`` does: the shortest exact form (0.25, 2.0, inf),
    with an exponent below 1e-4 and from 1e16 (1e-05, 1.5e+16). The CSV never holds an exponent: those rare
    texts are rewritten positionally, their digits unchanged (0.00001, 15000000000000000), as
    ``numpy.format_float_positional(trim="-")`` would."""
    x = f"cast({value} as double)"
    text = f"cast({x} as varchar)"
    digits = f"replace(ltrim(split_part({text}, 'e', 1), '-'), '.', '')"   # one digit before the point
    exponent = f"cast(split_part({text}, 'e', 2) as integer)"
    sign = f"if({x} < 0, '-', '')"
    return (f"case when isnan({x}) then null "
            f"when {x} = 0 or isinf({x}) or (abs({x}) >= 1e-4 and abs({x}) < 1e16) then {text} "
            f"when abs({x}) < 1e-4 then {sign} || '0.' || repeat('0', -{exponent} - 1) || {digits} "
            f"else {sign} || {digits} || repeat('0', {exponent} + 1 - length({digits})) end")


def _csv_text(column: Column) -> str:
    """SQL: the CSV cell of ``column`` (its value in a row of the resource), NULL (an empty cell) when missing:
    true/false, integers, numbers without exponent (:func:`_number_text`), strings and dates as they are. An
    empty string is an empty cell too (DuckDB would quote it to tell it from a missing value)."""
    value = _name(column)
    if column.type == "number":
        return _number_text(value)
    if column.type == "integer":
        return f"cast(try_cast(trunc({value}) as hugeint) as varchar)"
    if column.type == "boolean":
        return f"case when {value} then 'true' when not {value} then 'false' end"
    return f"nullif(cast({value} as varchar), '')"


def _json_text(column: Column) -> str:
    """SQL: the JSON text of ``column`` (its value in a row of the resource) in a GeoJSON feature's properties:
    ``null`` when missing (NaN too), numbers as Python's json writes them (``repr``: 0.25, 1e-05; Infinity),
    true/false, strings and dates as JSON strings (``to_json``: UTF-8 kept, quotes, backslashes and control
    characters escaped as json does, but for \u001F where json writes \u001f: the same character for any
    JSON reader, and none in the sources)."""
    if column.type == "number":
        x = f"cast({_name(column)} as double)"
        text = (f"case when isnan({x}) then null when isinf({x}) then if({x} > 0, 'Infinity', '-Infinity') "
                f"else cast({x} as varchar) end")
    elif column.type in ("integer", "boolean"):
        text = _csv_text(column)
    else:
        text = f"to_json(cast({_name(column)} as varchar))"
    return f"coalesce({text}, 'null')"


def _coordinate_text(value: str) -> str:
    """SQL: a coordinate rounded to 6 decimals, as Python's ``repr(round(x, 6))`` writes it (``printf``
    rounds the exact binary value half to even, as ``round`` does; the cast back gives the shortest form)."""
    return f"cast(cast(printf('%.6f', cast({value} as double)) as double) as varchar)"


def _feature_sql(resource: Resource) -> str:
    """SQL: the GeoJSON feature of a row of ``resource`` as JSON text, its properties in the schema's order;
    its geometry the point (longitude, latitude) or ``null`` when either is missing."""
    lon, lat = _coordinate_text('"longitude"'), _coordinate_text('"latitude"')
    geometry = f"""coalesce('{{"type":"Point","coordinates":[' || {lon} || ',' || {lat} || ']}}', 'null')"""
    # One concat() of all the parts: a chain of || would copy the growing text at each step.
    properties = ", ".join(
        f"{sql_literal((',' if i else '') + json.dumps(c.name, ensure_ascii=False) + ':')}, {_json_text(c)}"
        for i, c in enumerate(resource.columns))
    return f"""concat('{{"type":"Feature","geometry":', {geometry}, ',"properties":{{', {properties}, '}}}}')"""


def broken_constraints(con: duckdb.DuckDBPyConnection, resource: Resource, limit: int = 20) -> list[str]:
    """The values of ``resource`` that break a constraint of its Table Schema (required, pattern, enum,
    minimum, maximum, unique, primary key), found by one set-based query on the rows about to be written
    (its :func:`_rows_table`), in French: ``file (ligne n, colonne c) : règle « value »`` (line 1 being the header). The schema and this
    check come from the same column declarations; the tests validate the written files with frictionless."""
    checks = []
    for c in resource.columns:
        v = _name(c)
        text = f"cast({v} as varchar)"
        rules = []
        if c.required:
            rules.append((f"{v} is null", "valeur obligatoire absente"))
        if c.pattern:
            rules.append((f"{v} is not null and not regexp_full_match({text}, {sql_literal(c.pattern)})",
                          f"ne suit pas le motif {c.pattern}"))
        if c.enum:
            rules.append((f"{v} is not null and {text} not in ({', '.join(sql_literal(e) for e in c.enum)})",
                          "valeur hors de la liste du schéma"))
        if c.minimum is not None:
            rules.append((f"{v} < {c.minimum}", f"inférieur au minimum {c.minimum:g}"))
        if c.maximum is not None:
            rules.append((f"{v} > {c.maximum}", f"supérieur au maximum {c.maximum:g}"))
        checks += [(c.name, pred, rule) for pred, rule in rules]
    problems: list[str] = []
    base = f"select row_number() over (order by rowid) + 1 as line, * from {_rows_table(resource)}"
    if checks:
        offences = ", ".join(
            f"{{'column': {sql_literal(name)}, 'rule': {sql_literal(rule)}, "
            f"'value': cast({sql_identifier(name)} as varchar), 'broken': coalesce({pred}, false)}}"
            for name, pred, rule in checks)
        found = con.execute(
            f"with r as ({base}) select line, o.column, o.rule, o.value from "
            f"(select line, unnest([{offences}]) as o from r) where o.broken order by line limit {limit}").fetchall()
        problems += [f"  {resource.csv} (ligne {line}, colonne {col}) : {rule}"
                     f"{' « ' + str(value)[:60] + ' »' if value not in (None, '') else ''}"
                     for line, col, rule, value in found]
    keys = [(c.name,) for c in resource.columns if c.unique] + [tuple(resource.primary_key)]
    for key in keys:
        cols = ", ".join(sql_identifier(k) for k in key)
        dup = con.execute(f"select {cols}, count(*) from {_rows_table(resource)} group by all having count(*) > 1 "
                          f"limit 3").fetchall()
        problems += [f"  {resource.csv} (colonne {', '.join(key)}) : valeur en double « "
                     f"{' / '.join(str(x) for x in d[:-1])} » ({d[-1]} lignes)" for d in dup]
    return problems


def _write_resource(con: duckdb.DuckDBPyConnection, resource: Resource, out: Path) -> tuple[int, int]:
    """Write the CSV and the GeoJSON of ``resource``; returns (rows, features without a point).

    The rows are read from the resource's temporary table (:func:`_rows_table`, filled by :func:`write_opendata`),
    whose ``rowid`` keeps the query's order. DuckDB
    formats every value and writes the CSV itself (``COPY``: UTF-8 without BOM, ``,``, CRLF, quotes only
    around a value holding a comma, a quote or a line break, as Python's csv.QUOTE_MINIMAL; ``comment ''``
    or it would quote a ``#`` too); the GeoJSON comes out of one query as JSON text, its features in the same
    order."""
    table = _rows_table(resource)
    cells = ", ".join(f"{_csv_text(c)} as {_name(c)}" for c in resource.columns)
    con.execute(f"copy (select {cells} from {table} order by rowid) to {sql_literal(str(out / resource.csv))} "
                "(format csv, header, delimiter ',', quote '\"', escape '\"', new_line '\\r\\n', comment '')")
    collection = (f'{{"type":"FeatureCollection","name":{json.dumps(resource.name, ensure_ascii=False)},'
                  '"features":[')
    geojson, rows, without_point = con.execute(
        f"select encode({sql_literal(collection)} || coalesce(string_agg({_feature_sql(resource)}, ',' "
        "order by rowid), '') || ']}'), count(*), count(*) filter (where latitude is null or longitude is null) "
        f"from {table}").fetchall()[0]
    (out / resource.geojson).write_bytes(geojson)   # UTF-8 bytes (encode), as DuckDB made them
    return rows, without_point


def _error_lines(report, file: str) -> list[str]:
    lines = []
    for task in report.tasks:
        for e in task.errors[:10]:
            where = []
            if getattr(e, "row_number", None):
                where.append(f"ligne {e.row_number}" if file.endswith(".csv")
                             else f"entité {e.row_number - 1}")
            if getattr(e, "field_name", None):
                where.append(f"colonne {e.field_name}")
            cell = getattr(e, "cell", None)
            lines.append(f"  {file}{' (' + ', '.join(where) + ')' if where else ''} : {e.title}"
                         f"{' « ' + str(cell)[:60] + ' »' if cell not in (None, '') else ''} ({e.note})")
    return lines


def validate(folder: Path, geojson_schema: bool = True) -> dict:
    """Validate the open-data files of ``folder`` (those its ``datapackage.json`` lists) with ``frictionless``:
    the Data Package and each CSV against its Table Schema; each GeoJSON's feature properties against the
    schema of its CSV (``geojson_schema``), else only its structure (a FeatureCollection of Point or empty
    geometries whose properties are the schema's fields, one feature per CSV row: the publication's check,
    the properties being written from the same rows as the validated CSV). Returns the rows checked per file;
    raises :class:`OpenDataError` (French: file, line, column, what to do)."""
    import frictionless

    checked: dict[str, int] = {}
    problems: list[str] = []
    report = frictionless.validate(str(folder / "datapackage.json"))
    for task in report.tasks:
        if not task.valid:
            problems += _error_lines(_single(task), f"{task.name}.csv" if task.type == "table" else task.name)
        elif task.type == "table":
            checked[f"{task.name}.csv"] = task.stats.get("rows") or 0
    problems += [f"  datapackage.json : {e.title} ({e.note})" for e in report.errors[:10]]
    listed = {r["path"] for r in json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))["resources"]}
    for resource in RESOURCES:
        if resource.geojson not in listed:
            continue
        collection = json.loads((folder / resource.geojson).read_text(encoding="utf-8"))
        features = collection.get("features") or []
        data = [f.get("properties") or {} for f in features]
        names = [c.name for c in resource.columns]
        if geojson_schema:
            schema = frictionless.Schema.from_descriptor(resource.schema_file, basepath=str(folder))
            res_report = frictionless.Resource(data=data, schema=schema, name=resource.name).validate()
            if not res_report.valid:
                problems += _error_lines(res_report, resource.geojson)
        if collection.get("type") != "FeatureCollection":
            problems.append(f"  {resource.geojson} : ce n'est pas une FeatureCollection")
        for i, f in enumerate(features, start=1):
            geometry = f.get("geometry")
            if list(f.get("properties") or {}) != names or (
                    geometry is not None and (geometry.get("type") != "Point" or len(geometry["coordinates"]) != 2)):
                problems.append(f"  {resource.geojson} (entité {i}) : propriétés ou géométrie différentes du schéma "
                                f"{resource.schema_file}")
                break
        if resource.csv in checked and checked[resource.csv] != len(features):
            problems.append(f"  {resource.geojson} : {len(features)} entités pour {checked[resource.csv]} lignes "
                            f"dans {resource.csv}")
        checked[resource.geojson] = len(features)
    if problems:
        raise OpenDataError(
            "Données ouvertes : des fichiers ne respectent pas leur schéma (Table Schema) ; la publication est "
            "arrêtée et la précédente reste en ligne. Corrigez la donnée en cause dans sa source (ou le schéma dans "
            "orchestration/opendata.py si la règle est fausse), puis relancez le rafraîchissement.\n"
            + "\n".join(problems[:20]))
    return checked


class _single:
    """One task of a frictionless report, with the ``tasks`` attribute :func:`_error_lines` reads."""

    def __init__(self, task):
        self.tasks = [task]


def _scope(territory: str | None, fictional: bool) -> str:
    return ((f"Territoire de l'observatoire : {territory}. " if territory else "")
            + ("DONNÉES FICTIVES (démonstration) : ne pas publier. " if fictional else ""))


def _datapackage(resources: dict[str, int], sources: list[tuple], built, territory: str | None,
                 fictional: bool) -> dict:
    built_on = built.date().isoformat() if built else None
    package = {
        "name": "observatoire-tiers-lieux",
        "title": "Observatoire des tiers-lieux : annuaire des lieux et indicateurs par territoire"
                 + (" (données fictives)" if fictional else ""),
        "description": _scope(territory, fictional)
                       + "Données ouvertes publiées par l'observatoire à chaque publication de son entrepôt : "
                       "l'annuaire des lieux et les indicateurs principaux par territoire, en CSV (avec leur "
                       "schéma) et en GeoJSON.",
        "licenses": [{"name": "etalab-2.0", "title": LICENCE, "path": LICENCE_URL}],
        "sources": [{"title": f"{name} : {label} ({publisher}), fichier {file}, récupéré le {fetched}",
                     "licence": licence} for name, label, publisher, licence, file, fetched in sources],
        "resources": [],
    }
    if built_on:
        package["created"] = built.isoformat()
    for r in RESOURCES:
        if r.name not in resources:
            continue
        package["resources"].append({
            "name": r.name, "title": r.title, "description": f"{r.description} Base : {r.base}.",
            "path": r.csv, "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
            "dialect": {"delimiter": ",", "quoteChar": '"', "header": True}, "schema": r.schema_file,
        })
        package["resources"].append({
            "name": f"{r.name}-geojson", "title": f"{r.title} (GeoJSON)",
            "description": f"Les mêmes lignes que {r.csv}, en points (WGS84), mêmes propriétés (schéma "
                           f"{r.schema_file}).",
            "path": r.geojson, "format": "geojson", "mediatype": "application/geo+json", "encoding": "utf-8",
        })
    return package


def write_opendata(con: duckdb.DuckDBPyConnection, out: Path) -> dict:
    """Write the open-data files of the warehouse ``con`` into the new folder ``out``, their schemas' constraints
    checked first (:func:`broken_constraints`: nothing is written when one is broken);
    returns ``{"rows": {file: rows}, "without_point": {file: n}, "bytes": n}``. Resources whose marts the
    warehouse lacks are left out (a warehouse without places writes no lieux)."""
    out.mkdir(parents=True)
    tables = {r[0] for r in con.execute("select table_name from duckdb_tables() where schema_name = 'marts'")
              .fetchall()}
    territory, fictional, built = con.execute(
        "select any_value(territory_name), bool_or(is_fictional), max(built_at) from marts.meta_publication"
    ).fetchall()[0] if "meta_publication" in tables else (None, False, None)
    built_on = built.date().isoformat() if built else None
    rows: dict[str, int] = {}
    without_point: dict[str, int] = {}
    present = [r for r in RESOURCES if set(r.requires) <= tables]
    try:
        for resource in present:   # each resource's query run once: checked, then written from the same rows
            con.execute(f"create or replace temp table {_rows_table(resource)} as {resource.sql()}")
        problems = [p for r in present for p in broken_constraints(con, r)]
        if problems:
            raise OpenDataError(
                "Données ouvertes : des valeurs ne respectent pas le schéma (Table Schema) des fichiers ; la "
                "publication est arrêtée et la précédente reste en ligne. Corrigez la donnée en cause dans sa source "
                "(ou le schéma dans orchestration/opendata.py si la règle est fausse), puis relancez le "
                "rafraîchissement.\n" + "\n".join(problems[:20]))
        for resource in present:
            rows[resource.name], without_point[resource.geojson] = _write_resource(con, resource, out)
            (out / resource.schema_file).write_text(
                json.dumps(table_schema(resource, built_on), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    finally:
        for resource in present:
            con.execute(f"drop table if exists {_rows_table(resource)}")
    sources = con.execute(
        "select source_name, any_value(source_label), any_value(publisher), any_value(licence), "
        "string_agg(file_name, ', ' order by file_name), max(left(fetched_at, 10)) from marts.meta_sources "
        "group by source_name order by source_name").fetchall() if "meta_sources" in tables else []
    (out / "datapackage.json").write_text(
        json.dumps(_datapackage(rows, sources, built, territory, fictional), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    (out / "LISEZMOI.md").write_text(_lisezmoi(rows, without_point, sources, built, territory, fictional), encoding="utf-8")
    return {"rows": rows, "without_point": without_point,
            "bytes": sum(p.stat().st_size for p in out.iterdir())}


def _lisezmoi(rows: dict[str, int], without_point: dict[str, int], sources: list[tuple], built,
              territory: str | None, fictional: bool) -> str:
    when = f"{built:%d/%m/%Y}" if built else "date inconnue"
    lines = ["# Observatoire des tiers-lieux : données ouvertes", "",
             f"Publication du {when}. {_scope(territory, fictional)}Fichiers réécrits à chaque publication de "
             "l'entrepôt ; ne pas les modifier. Les fichiers nationaux étant chargés entiers, les lieux et "
             "territoires hors du territoire de l'observatoire sont présents aussi (colonne `dans_territoire` des "
             "indicateurs).", "", "## Fichiers", ""]
    for r in RESOURCES:
        if r.name not in rows:
            continue
        lines += [f"### {r.title}", "", r.description, "",
                  f"- `{r.csv}` : {rows[r.name]} lignes, {r.base} ; schéma `{r.schema_file}` (Table Schema).",
                  f"- `{r.geojson}` : les mêmes lignes en points WGS84 (EPSG:4326), mêmes propriétés ; "
                  f"{without_point.get(r.geojson, 0)} sans coordonnées (géométrie vide).", ""]
    lines += ["Les territoires sont des points (centre de population de leurs communes), pas des contours : "
              "les contours sont dans le GeoPackage de l'entrepôt (`exports/observatoire.gpkg`).", "",
              "## Conventions", "",
              "- CSV en UTF-8, séparateur `,`, une ligne d'en-tête ; une cellule vide est une valeur manquante.",
              "- Les codes (commune, EPCI, canton, département, région, code postal, SIRET) sont des **textes** : "
              "`01001`, `2A004` gardent leurs zéros initiaux et 2A/2B ; ne les convertissez pas en nombres.",
              "- Dates au format AAAA-MM-JJ ; booléens `true` / `false` ; décimales avec un point.",
              "- Distances à vol d'oiseau depuis le centre des communes : une approximation, jamais un temps de "
              "trajet.",
              "- Chaque ligne porte ses sources (`sources` : leurs identifiants, décrits ci-dessous), la date de "
              "récupération la plus récente de leurs fichiers (`date_donnees`), la date de la publication "
              "(`date_publication`) et sa licence (`licence`).",
              "- Base des chiffres d'enquête : `nb_lieux_repondants` (les lieux ayant répondu à la vague "
              "`annee_enquete`) ; les parts de population portent sur `base_part_population` de la population.",
              "",
              "## Sources", ""]
    lines += [f"- `{name}` : {label} ({publisher}, {licence}), fichier(s) {file}, récupéré(s) le {fetched}"
              for name, label, publisher, licence, file, fetched in sources]
    lines += ["", "## Licence", "",
              f"{LICENCE} ({LICENCE_URL}). Mentionnez « Observatoire des tiers-lieux » et la date de la "
              "publication ; les sources gardent leurs propres licences (ci-dessus).", "",
              "## Publier sur data.gouv.fr", "",
              "1. Sur https://www.data.gouv.fr, *Publier sur data.gouv.fr* > *Un jeu de données* (ou le jeu déjà "
              "créé > *Ajouter des fichiers*), licence « Licence Ouverte / Open Licence version 2.0 ».",
              "2. Téléversez `lieux.csv`, `lieux.geojson`, `indicateurs_territoires.csv`, "
              "`indicateurs_territoires.geojson` ; à la mise à jour, remplacez chaque fichier par le nouveau "
              "(même nom) pour garder les liens stables.",
              "3. Décrivez chaque fichier CSV avec son schéma : joignez `schema_lieux.json` et "
              "`schema_indicateurs_territoires.json` en documentation, ou vérifiez-les d'abord sur "
              "https://validata.fr (*Valider un fichier* > schéma par URL ou fichier).",
              "4. Indiquez dans la description du jeu la date de la publication et la base (ci-dessus).", ""]
    return "\n".join(lines)
