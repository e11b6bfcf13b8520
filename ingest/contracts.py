"""One contract per source: the columns it must have (with their names across vintages) and the
checks each row must pass to be loaded. A row that fails goes to ``raw.<source>_rejects`` with its
reason; values are never coerced here (staging models cast them).

Adding a new vintage of a publication whose columns were renamed is one more alias; adding a new
publication is one more :class:`Contract` in :data:`CONTRACTS`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

INSEE_COMMUNE = r"(?:\d{5}|2[AB]\d{3})"
# A commune code whose leading zero was lost by a spreadsheet ("1001" for 01001). Accepted where a
# publication is known to lose it; raw keeps it as published and staging pads it (macro commune_code).
INSEE_COMMUNE_OR_LOST_ZERO = r"(?:\d{5}|2[AB]\d{3}|\d{4})"
DEPARTEMENT = r"(?:\d{2,3}|2[AB])"
SIREN = r"\d{9}"
SIRET = r"\d{14}"
POSTCODE_OR_LOST_ZERO = r"\d{4,5}"
FOREIGN_WORKPLACE = r"[A-Z]{2}[0-9A-Z]{3}"
# Excel turned a long identifier into a float: "1.23457E+13", "2,43E+13". The digits are lost for good.
SCIENTIFIC = r"-?\d+(?:[.,]\d+)?[eE][+-]?\d+"
INTEGER = r"-?\d+"
DECIMAL = r"-?\d+(?:[.,]\d+)?"


@dataclass(frozen=True)
class Column:
    """A column of a source. ``name`` is the canonical name in the raw table."""

    name: str
    aliases: tuple[str, ...] = ()
    required: bool = True          # the column must be present in the header
    not_empty: bool = False        # a row with an empty value is rejected
    pattern: str | None = None     # a non-empty value must fully match this regex
    label: str = ""                # what the value is, in French, for reject reasons
    sentinels: tuple[str, ...] = ()  # values published to mean "unknown" (kept, not rejected)


@dataclass(frozen=True)
class Contract:
    source: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()      # a second row with the same key is rejected as a duplicate
    key_per_file: bool = False
    """True when the files of the source are alternative publications of the same referential (each
    file is checked for duplicate keys on its own; the models compare the files)."""
    header_patterns: tuple[tuple[str, str, str], ...] = ()
    """(regex, canonical name, extra column) for headers that embed a vintage, e.g.
    ``NBFLUX_C20_ACTOCC15P`` -> ``NBFLUX_ACTOCC15P`` plus ``census_year`` = 2020."""
    description: str = ""
    extra: dict = field(default_factory=dict)
    header: bool = True
    """False for a CSV published without a header row: the columns are the contract's, in order."""
    sheet: str | None = None        # XLSX: the sheet to read (default: the first one)
    member: str | None = None       # ZIP: regex the data file's name must match (default: the only one)
    coordinates: tuple[str, str] | None = None
    """(latitude column, longitude column): a row whose pair lies outside France but inside France
    once swapped is rejected as "latitude et longitude inversées" (never swapped silently)."""

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def _c(name, *aliases, **kw) -> Column:
    return Column(name=name, aliases=tuple(aliases), **kw)


CONTRACTS: dict[str, Contract] = {
    "cog_communes": Contract(
        source="cog_communes",
        description="INSEE COG: one row per commune, commune déléguée/associée and arrondissement",
        columns=(
            _c("TYPECOM", "typecom", not_empty=True, pattern=r"COM|COMD|COMA|ARM", label="type de commune"),
            _c("COM", "com", not_empty=True, pattern=INSEE_COMMUNE, label="code commune INSEE"),
            _c("REG", "reg", required=False, pattern=r"\d{2}", label="code région"),
            _c("DEP", "dep", pattern=r"\d{2,3}|2[AB]", label="code département (vide pour COMD/COMA)"),
            _c("LIBELLE", "libelle", not_empty=True, label="nom de la commune"),
            _c("CAN", "can", required=False, pattern=r"(?:\d{2}|2[AB]|\d{3})\d{2}", label="code canton"),
            _c("COMPARENT", "comparent", required=False, pattern=INSEE_COMMUNE, label="commune parente"),
        ),
        key=("TYPECOM", "COM"),
    ),
    "populations": Contract(
        source="populations",
        description="INSEE populations légales (code split in CODDEP + CODCOM)",
        columns=(
            _c("CODDEP", not_empty=True, pattern=r"\d{2,3}|2[AB]", label="code département"),
            _c("CODCOM", not_empty=True, pattern=r"\d{3}", label="numéro de commune"),
            _c("COM", label="nom de la commune"),
            _c("CODCAN", required=False),
            _c("PMUN", not_empty=True, pattern=INTEGER, label="population municipale"),
            _c("PCAP", required=False, pattern=INTEGER, label="population comptée à part"),
            _c("PTOT", not_empty=True, pattern=INTEGER, label="population totale"),
        ),
        key=("CODDEP", "CODCOM"),
        # INSEE ships it in ensemble.zip beside donnees_departements.csv, donnees_regions.csv...
        member=r"(?i)^donnees_communes\.csv$",
    ),
    "communes_geo": Contract(
        source="communes_geo",
        description="data.gouv.fr communes-france (or the datas.fun communes.csv, same meaning under other "
                    "names): coordinates, EPCI, canton, density grid",
        columns=(
            _c("code_insee", "insee_com", not_empty=True, pattern=INSEE_COMMUNE, label="code commune INSEE"),
            _c("nom_standard", "commune_article", label="nom de la commune"),
            _c("epci_code", required=False, pattern=r"\d{9}|ZZZZZZZZZ", label="SIREN de l'EPCI"),
            _c("epci_nom", required=False),
            _c("canton_code", required=False),
            _c("latitude_centre", "lat", pattern=DECIMAL, label="latitude"),
            _c("longitude_centre", "lng", pattern=DECIMAL, label="longitude"),
            _c("grille_densite", required=False, pattern=r"\d", label="niveau de la grille de densité"),
            _c("grille_densite_texte", required=False),
            _c("dep_nom", required=False),
            _c("reg_nom", required=False),
        ),
        key=("code_insee",),
        # data.gouv communes-france and datas.fun give the same communes: both are kept, and
        # int_commune_centre_candidates checks each centre against the other sources.
        key_per_file=True,
        coordinates=("latitude_centre", "longitude_centre"),
    ),
    "tierslieux_2019": Contract(
        source="tierslieux_2019",
        description="CGET/ANCT 2019 national inventory of tiers-lieux",
        columns=(
            _c("ID", "id", not_empty=True, pattern=INTEGER, label="identifiant"),
            _c("NOM_TL", "nom", not_empty=True, label="nom du lieu"),
            _c("ADRESSE", required=False),
            _c("CP", pattern=r"\d{5}|\d{4}|0", label="code postal", sentinels=("0",)),
            _c("INSEECOM", pattern=r"(?:\d{5}|2[AB]\d{3}|\d{4}|0)", label="code commune INSEE", sentinels=("0",)),
            _c("NOMCOM", required=False),
            _c("TYPO", required=False),
            _c("LAT", pattern=DECIMAL, label="latitude"),
            _c("LONG", "LON", "LNG", pattern=DECIMAL, label="longitude"),
            _c("PRECISION", required=False, pattern=DECIMAL, label="précision du géocodage"),
        ),
        key=("ID",),
        coordinates=("LAT", "LONG"),
    ),
    "france_services": Contract(
        source="france_services",
        description="ANCT list of France Services: 2024 CSV columns, with the names of the 2021 GeoJSON and "
                    "2022 CSV vintages as aliases; id_fs is the stable key",
        # Aliases of older vintages (not in ../shared/data, so taken from the ANCT's naming habits and
        # the data.gouv.fr dataset's successive exports, unverified): "id"/"identifiant" for id_fs,
        # "nom"/"nom_fs"/"lib_structure" for lib_fs, "code_insee"/"codgeo"/"insee" for insee_com, "type" for
        # type_fs; a GeoJSON vintage gets latitude/longitude from its Point geometry (readers.py).
        columns=(
            _c("id_fs", "id", "identifiant", "identifiant_fs", "id_france_services", not_empty=True,
               pattern=INTEGER, label="identifiant France Services"),
            _c("lib_fs", "nom", "nom_fs", "lib_structure", "nom_france_services", not_empty=True,
               label="nom de la structure"),
            _c("insee_com", "code_insee", "codgeo", "insee", "code_commune", not_empty=True,
               pattern=INSEE_COMMUNE, label="code commune INSEE"),
            _c("insee_dep", "code_dep", "dep", required=False),
            _c("code_postal", "cp", required=False, pattern=POSTCODE_OR_LOST_ZERO, label="code postal"),
            _c("latitude", "lat", "y", pattern=DECIMAL, label="latitude"),
            _c("longitude", "lon", "lng", "long", "x", pattern=DECIMAL, label="longitude"),
            _c("type_fs", "type", "type_structure", required=False, pattern=r"Principal|Antenne",
               label="type (Principal/Antenne)"),
            _c("format_fs", "format", required=False),
        ),
        key=("id_fs",),
        coordinates=("latitude", "longitude"),
    ),
    "mobpro_flows": Contract(
        source="mobpro_flows",
        description="INSEE home-to-work flows (any census year)",
        columns=(
            _c("CODGEO", "codgeo", not_empty=True, pattern=INSEE_COMMUNE, label="commune de résidence"),
            _c("LIBGEO", required=False),
            _c("DCLT", "dclt", not_empty=True, pattern=rf"(?:\d{{5}}|2[AB]\d{{3}}|{FOREIGN_WORKPLACE})",
               label="commune ou code étranger du lieu de travail"),
            _c("L_DCLT", required=False),
            _c("NBFLUX_ACTOCC15P", not_empty=True, pattern=DECIMAL, label="nombre d'actifs occupés"),
        ),
        key=("CODGEO", "DCLT"),
        header_patterns=((r"NBFLUX_C(\d{2})_ACTOCC15P", "NBFLUX_ACTOCC15P", "census_year"),),
        # INSEE zips hold the data file next to documentation (varmod_*, meta_*): take the data file.
        member=r"(?i)^(?!varmod|meta|doc).*\.(?:csv|txt)$",
    ),
    "subventions": Contract(
        source="subventions",
        description="Grants in the SCDL 'subventions' format",
        columns=(
            _c("nomAttribuant", not_empty=True, label="nom de l'attribuant"),
            _c("idAttribuant", required=False),
            _c("dateConvention", required=False, pattern=r"\d{4}-\d{2}-\d{2}|\d{2}/\d{2}/\d{4}", label="date"),
            _c("nomBeneficiaire", not_empty=True, label="nom du bénéficiaire"),
            _c("idBeneficiaire", required=False),
            _c("objet", required=False),
            _c("montant", not_empty=True, pattern=DECIMAL, label="montant"),
            _c("nature", required=False),
            _c("pourcentageSubvention", required=False, pattern=DECIMAL, label="pourcentage"),
        ),
    ),
    "surveys": Contract(
        source="surveys",
        description="The observatory's annual questionnaire (one row per place and wave); minimal layout, the "
                    "loader is ingest.surveys.importer (schema ingest/surveys/schema.py)",
        columns=(
            _c("annee", not_empty=True, pattern=r"\d{4}", label="année de l'enquête"),
            _c("identifiant_lieu", required=False),
            _c("nom_lieu", not_empty=True, label="nom du lieu"),
            _c("siret", required=False, pattern=SIRET, label="SIRET"),
            _c("code_commune", not_empty=True, pattern=INSEE_COMMUNE, label="code commune INSEE"),
            _c("type_lieu", required=False),
            _c("surface_m2", required=False, pattern=DECIMAL, label="surface (m²)"),
            _c("postes_travail", required=False, pattern=INTEGER, label="postes de travail"),
            _c("adherents", required=False, pattern=INTEGER, label="adhérents"),
            _c("visiteurs_semaine", required=False, pattern=INTEGER, label="visiteurs par semaine"),
            _c("evenements_an", required=False, pattern=INTEGER, label="événements par an"),
            _c("etp", required=False, pattern=DECIMAL, label="salariés (ETP)"),
            _c("chiffre_affaires_eur", required=False, pattern=DECIMAL, label="chiffre d'affaires"),
            _c("part_financement_public_pct", required=False, pattern=DECIMAL, label="part de financement public"),
        ),
        # No key: the loader registered for "surveys" (ingest.surveys.importer) quarantines duplicates
        # itself (same identifier, else same SIRET or name in the commune, in one wave); two places may
        # share a name in one commune, and answers of places "recensés localement" have no identifier.
    ),
    # ------------------------------------------------------------------ référentiel (Etalab, ANCT)
    "communes_etalab": Contract(
        source="communes_etalab",
        description="Etalab découpage administratif: communes.json (communes, déléguées, associées, "
                    "arrondissements municipaux)",
        columns=(
            _c("code", not_empty=True, pattern=INSEE_COMMUNE, label="code commune INSEE"),
            _c("nom", not_empty=True, label="nom"),
            _c("type", not_empty=True,
               pattern=r"commune-actuelle|commune-deleguee|commune-associee|arrondissement-municipal",
               label="type de commune"),
            _c("departement", required=False, pattern=DEPARTEMENT, label="code département"),
            _c("region", required=False, pattern=r"\d{2,3}", label="code région"),
            _c("arrondissement", required=False),
            _c("commune", required=False, pattern=INSEE_COMMUNE, label="commune de rattachement"),
            _c("chefLieu", required=False, pattern=INSEE_COMMUNE, label="chef-lieu"),
            _c("population", required=False, pattern=INTEGER, label="population"),
            _c("siren", required=False, pattern=SIREN, label="SIREN"),
            _c("codesPostaux", required=False),
            _c("anciensCodes", required=False),
        ),
        key=("type", "code"),
    ),
    "epci_etalab": Contract(
        source="epci_etalab",
        description="Etalab découpage administratif: epci.json (EPCI à fiscalité propre et leurs membres)",
        columns=(
            _c("code", not_empty=True, pattern=SIREN, label="SIREN de l'EPCI"),
            _c("nom", not_empty=True, label="nom de l'EPCI"),
            _c("type", required=False, pattern=r"CC|CA|CU|METRO|MET69", label="nature juridique"),
            _c("modeFinancement", required=False),
            _c("populationTotale", required=False, pattern=INTEGER, label="population totale"),
            _c("populationMunicipale", required=False, pattern=INTEGER, label="population municipale"),
            _c("membres", not_empty=True, label="communes membres"),
        ),
        key=("code",),
    ),
    "departements_etalab": Contract(
        source="departements_etalab",
        description="Etalab découpage administratif: departements.json",
        columns=(
            _c("code", not_empty=True, pattern=DEPARTEMENT, label="code département"),
            _c("nom", not_empty=True, label="nom du département"),
            _c("region", required=False, pattern=r"\d{2,3}", label="code région"),
            _c("chefLieu", required=False, pattern=INSEE_COMMUNE, label="chef-lieu"),
        ),
        key=("code",),
    ),
    "regions_etalab": Contract(
        source="regions_etalab",
        description="Etalab découpage administratif: regions.json",
        columns=(
            _c("code", not_empty=True, pattern=r"\d{2,3}", label="code région"),
            _c("nom", not_empty=True, label="nom de la région"),
            _c("chefLieu", required=False, pattern=INSEE_COMMUNE, label="chef-lieu"),
        ),
        key=("code",),
    ),
    "grille_densite": Contract(
        source="grille_densite",
        description="INSEE/ANCT grille communale de densité à 7 niveaux (superposeur ANCT)",
        columns=(
            _c("insee_com", "codgeo", "code_insee", not_empty=True, pattern=INSEE_COMMUNE,
               label="code commune INSEE"),
            _c("lib_com", "libgeo", required=False),
            _c("niveau_densite", "dens7", not_empty=True, label="niveau de densité"),
        ),
        key=("insee_com",),
    ),
    "typologie_ruralite": Contract(
        source="typologie_ruralite",
        description="ANCT typologie des ruralités (valeurs publiées avec une espace initiale, gardée en raw)",
        columns=(
            _c("insee_com", "codgeo", "code_insee", not_empty=True, pattern=INSEE_COMMUNE,
               label="code commune INSEE"),
            _c("lib_com", "libgeo", required=False),
            _c("niveau_ruralite", not_empty=True, label="typologie des ruralités"),
        ),
        key=("insee_com",),
    ),
    "epci_centroids": Contract(
        source="epci_centroids",
        description="ANCT centroïdes des EPCI et EPT (GeoJSON de points, WGS84)",
        columns=(
            _c("siren_epci", required=True, pattern=SIREN, label="SIREN de l'EPCI"),
            _c("lib_epci", required=False),
            _c("type", not_empty=True, pattern=r"epci|ept", label="type (epci/ept)"),
            _c("siren_ept", required=False, pattern=SIREN, label="SIREN de l'EPT"),
            _c("lib_ept", required=False),
            _c("longitude", not_empty=True, pattern=DECIMAL, label="longitude"),
            _c("latitude", not_empty=True, pattern=DECIMAL, label="latitude"),
        ),
        key=("type", "siren_epci", "siren_ept"),
        coordinates=("latitude", "longitude"),
    ),
    "programme_laureates": Contract(
        source="programme_laureates",
        description="ANCT lauréats Fabriques de territoire et Manufactures de proximité (un point par "
                    "commune, plusieurs projets « fabt-59; fabt-60 » dans un même champ)",
        columns=(
            _c("id_geo", "insee_com", not_empty=True, pattern=INSEE_COMMUNE, label="code commune INSEE"),
            _c("lib_geo", "lib_com", required=False),
            _c("id_territoire", not_empty=True,
               pattern=r"[a-z]+(?:-\d+)+(?:\s*;\s*[a-z]+(?:-\d+)+)*", label="identifiant(s) de projet"),
            _c("lib_territoire", required=False),
            _c("liste_geo", required=False),
            _c("longitude", pattern=DECIMAL, label="longitude"),
            _c("latitude", pattern=DECIMAL, label="latitude"),
        ),
        key=("id_territoire", "id_geo"),
        coordinates=("latitude", "longitude"),
    ),
    "conseillers_numeriques": Contract(
        source="conseillers_numeriques",
        description="ANCT structures accueillant des conseillers numériques France Services (cnfs.json)",
        columns=(
            _c("id", not_empty=True, pattern=INTEGER, label="identifiant"),
            _c("raison_sociale", not_empty=True, label="raison sociale"),
            # "null" is published as a string for 5 structures without SIRET: kept as published.
            _c("siret", required=False, pattern=SIRET, label="SIRET", sentinels=("null",)),
            _c("insee_com", required=False, pattern=INSEE_COMMUNE_OR_LOST_ZERO, label="code commune INSEE"),
            _c("code_postal", required=False, pattern=POSTCODE_OR_LOST_ZERO, label="code postal"),
            _c("code_postal_bis", required=False, pattern=r"\d{5}", label="code postal (corrigé)"),
            _c("latitude", required=False, pattern=DECIMAL, label="latitude"),
            _c("longitude", required=False, pattern=DECIMAL, label="longitude"),
            _c("nb_cnfs", required=False, pattern=INTEGER, label="nombre de conseillers"),
            _c("investissement_financier_estimatif_total_de_l.etat", required=False, pattern=DECIMAL,
               label="investissement estimé de l'État"),
            _c("france_services", required=False),
            _c("type", required=False),
        ),
        key=("id",),
        coordinates=("latitude", "longitude"),
    ),
    "mobpro_foreign_codes": Contract(
        source="mobpro_foreign_codes",
        description="INSEE RP2021 MOBPRO: codes des lieux de travail à l'étranger (AL000, MO001...), "
                    "fichier sans en-tête",
        header=False,
        columns=(
            # ZZZZZ (other foreign commune) and 99999 (works or studies in France) are INSEE's own codes.
            _c("code", not_empty=True, pattern=rf"{FOREIGN_WORKPLACE}|99999", label="code étranger du lieu de travail"),
            _c("name", not_empty=True, label="nom du lieu de travail"),
        ),
        key=("code",),
    ),
    "communes_idf": Contract(
        source="communes_idf",
        description="Liste des communes d'Île-de-France du jeu cartograflow (COD_GEO;REG)",
        columns=(
            _c("COD_GEO", "CODGEO", not_empty=True, pattern=INSEE_COMMUNE, label="code commune INSEE"),
            _c("REG", pattern=r"\d{2}", label="code région"),   # 20 communes are published without one
        ),
        key=("COD_GEO",),
    ),
}


def compile_patterns(contract: Contract) -> dict[str, re.Pattern]:
    """The column patterns, ASCII-only (\\d is 0-9) as in DuckDB's RE2, so both load paths agree.

    A pattern must not match a value with whitespace at either end (values are checked stripped)."""
    return {c.name: re.compile(c.pattern, re.ASCII) for c in contract.columns if c.pattern}
