"""The publications' formats, defined once for both scales: columns, dialect, row builders and writers.

Every file a synthetic mirror holds has the exact format of the real publication it stands for: its
columns in their order (including those the loader does not need), separator, quoting, encoding, line
endings, and the layout of the JSON and GeoJSON files. Each publication has here

* its format (:class:`CsvFormat` or :class:`JsonFormat`), registered under its source name in
  :data:`FORMATS` (the files of a source are listed in :data:`ingest.demo.layout.MIRROR_PATHS`);
* its row (or record) builder, which takes the values by meaning and returns them in the publication's
  order, with the formatting rules of the publication (sentinels, decimals, derived columns);
* one writer, :func:`write`, for every file.

The scales (:mod:`ingest.demo.departement`, :mod:`ingest.demo.national`) draw the values; they never
spell a column. The names the loader relies on are checked against its contracts (the source
declarations' ``contract``, ``ingest.sources.CONTRACTS``) when this module is imported, so the generated
files and the contracts cannot drift apart.
"""

from __future__ import annotations

import csv
import io
import json
import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from operator import itemgetter
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ingest.demo.layout import MIRROR_PATHS
from ingest.demo.names import Name, fmt_decimal, slug, strip_accents
from ingest.demo.records import Flows, Grant, Place
from ingest.demo.vocabulary import DENSITY_LABELS, EQUIPMENT_LABELS, comclass, ze_class
from ingest.sources import CONTRACTS


@dataclass(frozen=True)
class CsvFormat:
    """A CSV publication. ``quoting``: ``minimal`` (only what must be), ``nonnumeric`` (text quoted,
    numbers bare), ``anct`` (text quoted, numbers bare, empty fields empty) or ``none`` (never)."""

    source: str
    columns: tuple[str, ...]
    separator: str = ","
    line_ending: str = "\n"
    encoding: str = "utf-8"          # utf-8-sig writes a BOM
    quoting: str = "minimal"

    @cached_property
    def _in_order(self) -> Callable[[dict], tuple]:
        return itemgetter(*self.columns)

    def row(self, **values) -> list:
        """The values, given by column name (every column once), in the publication's order."""
        if len(values) != len(self.columns):
            raise ValueError(f"{self.source}: columns {sorted(set(self.columns) ^ set(values))}")
        return list(self._in_order(values))


@dataclass(frozen=True)
class JsonFormat:
    """A JSON publication. ``layout``: ``lines`` (Etalab: an array, one compact object per line), ``geojson``
    (GDAL's layout, one feature per line, the layer named after the file) or ``compact`` (one line)."""

    source: str
    layout: str


# ----------------------------------------------------------------------------------------------
# INSEE, data.gouv.fr, ANCT, SCDL and the observatory's survey
# ----------------------------------------------------------------------------------------------

COG_COMMUNES = CsvFormat(
    "cog_communes",
    ("TYPECOM", "COM", "REG", "DEP", "CTCD", "ARR", "TNCC", "NCC", "NCCENR", "LIBELLE", "CAN", "COMPARENT"),
    line_ending="\r\n")


def cog_row(kind: str, code: str, name: Name, *, reg: str = "", dep: str = "", arr: str = "", canton: str = "",
            parent: str = "") -> list[str]:
    """A row of the COG: ``COM``, ``ARM`` (municipal arrondissement) or ``COMD`` (commune déléguée, no
    région, département or canton)."""
    ctcd = "" if not dep else "20R" if dep in ("2A", "2B") else f"{dep}D"
    return COG_COMMUNES.row(TYPECOM=kind, COM=code, REG=reg, DEP=dep, CTCD=ctcd, ARR=arr, TNCC=name.tncc, NCC=name.ncc,
                            NCCENR=name.base, LIBELLE=name.libelle, CAN=canton, COMPARENT=parent)


POPULATIONS = CsvFormat(
    "populations", ("CODREG", "REG", "CODDEP", "CODARR", "CODCAN", "CODCOM", "COM", "PMUN", "PCAP", "PTOT"),
    separator=";", line_ending="\r\n")


def population_row(*, reg: str, reg_name: str, dep: str, arr: str, canton: str, code: str, name: str, pmun: int,
                   pcap: int) -> list:
    """INSEE splits the commune code: ``CODDEP`` + ``CODCOM`` (``971`` + ``01`` -> ``CODCOM = "101"``:
    the third character of an overseas département is repeated), two spaces for no canton."""
    return POPULATIONS.row(CODREG=reg, REG=reg_name, CODDEP=dep, CODARR=arr[-1], CODCAN=canton[-2:] if canton else "  ",
                           CODCOM=code[2:] if len(dep) == 2 else dep[2] + code[3:], COM=name, PMUN=int(pmun),
                           PCAP=int(pcap), PTOT=int(pmun + pcap))


COMMUNES_FRANCE = CsvFormat(
    "communes_geo",
    ("code_insee", "nom_standard", "nom_sans_pronom", "nom_a", "nom_de", "nom_sans_accent", "nom_standard_majuscule",
     "typecom", "typecom_texte", "reg_code", "reg_nom", "dep_code", "dep_nom", "canton_code", "canton_nom",
     "epci_code", "epci_nom", "academie_code", "academie_nom", "code_postal", "codes_postaux", "zone_emploi",
     "code_insee_centre_zone_emploi", "code_unite_urbaine", "nom_unite_urbaine", "taille_unite_urbaine",
     "type_commune_unite_urbaine", "statut_commune_unite_urbaine", "population", "superficie_hectare",
     "superficie_km2", "densite", "altitude_moyenne", "altitude_minimale", "altitude_maximale", "latitude_mairie",
     "longitude_mairie", "latitude_centre", "longitude_centre", "grille_densite", "grille_densite_texte",
     "niveau_equipements_services", "niveau_equipements_services_texte", "gentile", "url_wikipedia",
     "url_villedereve"),
    line_ending="\r\n", quoting="nonnumeric")


def density_per_km2(population: int, hectares: int) -> float:
    """The ``densite`` of communes-france (before rounding), on which the density grid level depends."""
    return population / (hectares / 100)


def communes_france_row(*, code: str, name: Name, reg: str, reg_name: str, dep: str, dep_name: str, canton: str,
                        canton_name: str, epci: str, epci_name: str, postcode: str, postcodes: str, ze: str,
                        ze_centre: str, population: int, hectares: int, altitude: int, altitude_min: int,
                        altitude_max: int, town_hall: tuple[float, float], centre: tuple[float, float], level: int,
                        equipment: int) -> list:
    """A commune of data.gouv.fr's communes-france: text quoted, numbers bare, so the types matter (``level``
    is the density grid level, ``equipment`` 0 for none)."""
    km2 = hectares / 100
    return COMMUNES_FRANCE.row(
        code_insee=code, nom_standard=name.libelle, nom_sans_pronom=name.base, nom_a=name.a, nom_de=name.de,
        nom_sans_accent=slug(name.libelle), nom_standard_majuscule=strip_accents(name.libelle).upper(), typecom="COM",
        typecom_texte="commune", reg_code=reg, reg_nom=reg_name, dep_code=dep, dep_nom=dep_name, canton_code=canton,
        canton_nom=canton_name, epci_code=epci, epci_nom=epci_name, academie_code="", academie_nom="",
        code_postal=postcode, codes_postaux=postcodes, zone_emploi=ze, code_insee_centre_zone_emploi=ze_centre,
        code_unite_urbaine="", nom_unite_urbaine="", taille_unite_urbaine="", type_commune_unite_urbaine="",
        statut_commune_unite_urbaine="", population=int(population), superficie_hectare=int(hectares),
        superficie_km2=max(1, round(km2)), densite=round(density_per_km2(population, hectares)),
        altitude_moyenne=int(altitude), altitude_minimale=int(altitude_min), altitude_maximale=int(altitude_max),
        latitude_mairie=round(float(town_hall[0]), 5), longitude_mairie=round(float(town_hall[1]), 5),
        latitude_centre=float(centre[0]), longitude_centre=float(centre[1]), grille_densite=level,
        grille_densite_texte=DENSITY_LABELS[level], niveau_equipements_services=equipment if equipment else "",
        niveau_equipements_services_texte=EQUIPMENT_LABELS.get(equipment, ""), gentile="", url_wikipedia="",
        url_villedereve="")


INVENTORY = CsvFormat(
    "tierslieux_2019",
    ("ID", "NOM_TL", "ADRESSE", "CP", "COMINIT", "INSEECOM", "NOMCOM", "WEB", "TWITTER", "FACEBOOK", "TYPO", "LAT",
     "LONG", "GEOCOD", "PRECISION", "CONTACT", "MAIL", "METRO", "NOMMETRO", "INSEEREG", "NOMREG", "INSEEMETRO",
     "INSEEDEP", "NOMCOMMETRO", "POPCOM", "COMCLASS", "INSEE_ZE", "NOM_ZE", "CLASS_ZE", "POP_ZE"))
INVENTORY_SENTINEL = "0"       # published instead of the commune code and postcode of some places


def inventory_contact(rng: random.Random, place_name: str, commune_name: str) -> tuple[str, str, str]:
    """The inventory's loosely filled columns, drawn in this order: the commune as typed by the place
    (sometimes in capitals without accents), a web site, an e-mail address (reserved ``.example`` domain)."""
    cominit = strip_accents(commune_name).upper() if rng.random() < 0.25 else commune_name
    web = f"www.{slug(place_name)}.example" if rng.random() < 0.25 else ""
    mail = f"contact@{slug(place_name)}.example" if rng.random() < 0.1 else ""
    return cominit, web, mail


def inventory_row(p: Place, *, address: str, postcode: str, commune_code: str, published_code: str,
                  commune_name: str, contact: tuple[str, str, str], precision: float | None, metro_name: str,
                  reg: str, reg_name: str, dep: str, population: int, ze: str, ze_name: str,
                  ze_population: int) -> list[str]:
    """A place of the 2019 inventory. A sentinel place has ``0`` for its postcode and commune code and was
    placed by hand (no geocoding precision); ``published_code`` may be a municipal arrondissement's code,
    ``metro_name`` is "" outside a métropole."""
    cominit, web, mail = contact
    return INVENTORY.row(
        ID=p.id, NOM_TL=p.name, ADRESSE=address, CP=INVENTORY_SENTINEL if p.sentinel else postcode, COMINIT=cominit,
        INSEECOM=INVENTORY_SENTINEL if p.sentinel else published_code, NOMCOM=commune_name, WEB=web, TWITTER="",
        FACEBOOK="", TYPO=p.typo, LAT=fmt_decimal(p.lat, 6), LONG=fmt_decimal(p.lon, 6),
        GEOCOD="PLACE A LA MAIN" if p.sentinel else f"{address} {postcode} {commune_name}",
        PRECISION="0.99" if p.sentinel else fmt_decimal(min(0.99, max(0.5, precision)), 2), CONTACT="", MAIL=mail,
        METRO="1" if metro_name else "0", NOMMETRO=metro_name, INSEEREG=reg, NOMREG=reg_name, INSEEMETRO=commune_code,
        INSEEDEP=dep, NOMCOMMETRO=commune_name, POPCOM=str(population), COMCLASS=comclass(population), INSEE_ZE=ze,
        NOM_ZE=ze_name, CLASS_ZE=ze_class(ze_population), POP_ZE=str(ze_population))


FRANCE_SERVICES = CsvFormat(
    "france_services",
    ("id_fs", "insee_dep", "lib_fs", "adresse", "complement_adresse", "insee_com", "code_postal", "lib_com",
     "latitude", "longitude", "mail", "telephone", "h_lundi", "h_mardi", "h_mercredi", "h_jeudi", "h_vendredi",
     "h_samedi", "prise_rdv", "commentaire", "type_fs", "format_fs", "groupe_fs", "labellisation_fs"),
    quoting="anct")


def fictional_phone(rng: random.Random) -> str:
    """04 65 71 xx xx, meant as a range for fiction (not checked against ARCEP's numbering plan offline)."""
    return f"04 65 71 {rng.randint(0, 99):02d} {rng.randint(0, 99):02d}"


def france_services_row(*, number: int, dep: str, name: str, address: str, complement: str, commune_code: str,
                        postcode: str, commune_name: str, lat: float, lon: float, phone: str, hours: list[str],
                        appointment: str, comment: str, kind: str, fmt: str, group: str,
                        label_date: str) -> list:
    """A structure of the ANCT list: the identifier is text (quoted, as published), coordinates are numbers,
    ``hours`` the six days Monday to Saturday."""
    days = dict(zip(("h_lundi", "h_mardi", "h_mercredi", "h_jeudi", "h_vendredi", "h_samedi"), hours, strict=True))
    return FRANCE_SERVICES.row(
        id_fs=str(number), insee_dep=dep, lib_fs=name, adresse=address, complement_adresse=complement,
        insee_com=commune_code, code_postal=postcode, lib_com=commune_name, latitude=round(float(lat), 6),
        longitude=round(float(lon), 6), mail=f"franceservices.{slug(commune_name)}@france-services.example",
        telephone=phone, **days, prise_rdv=appointment, commentaire=comment, type_fs=kind, format_fs=fmt,
        groupe_fs=group, labellisation_fs=f"Espace labellisé {label_date}")


MOBPRO_FLOWS = CsvFormat("mobpro_flows", ("CODGEO", "LIBGEO", "DCLT", "L_DCLT", "NBFLUX_C20_ACTOCC15P"),
                         separator=";")

SUBVENTIONS = CsvFormat(
    "subventions",
    ("nomAttribuant", "idAttribuant", "dateConvention", "referenceDecision", "nomBeneficiaire", "idBeneficiaire",
     "objet", "montant", "nature", "conditionsVersement", "datesPeriodeVersement", "idRAE", "notificationUE",
     "pourcentageSubvention"))


def grant_row(g: Grant) -> list[str]:
    """A grant in the SCDL format: the amount with two decimals, paid in cash, no notification to the EU."""
    return SUBVENTIONS.row(
        nomAttribuant=g.funder, idAttribuant=g.funder_id, dateConvention=g.date, referenceDecision=g.ref,
        nomBeneficiaire=g.beneficiary, idBeneficiaire=g.beneficiary_id, objet=g.purpose,
        montant=f"{g.cents // 100}.{g.cents % 100:02d}", nature="aide en numéraire", conditionsVersement=g.conditions,
        datesPeriodeVersement=g.period, idRAE="", notificationUE="non", pourcentageSubvention=g.share)


#: funder shares and revenue by activity of the survey rows (columns of ingest/surveys/schema.py)
ECONOMY_SHARES = ("part_etat_pct", "part_region_pct", "part_departement_pct", "part_epci_pct", "part_commune_pct",
                  "part_europe_pct", "part_autre_pct")
ECONOMY_REVENUES = ("recettes_location_eur", "recettes_evenements_eur", "recettes_formation_eur",
                    "recettes_services_eur", "recettes_subventions_eur")
ECONOMY_COLUMNS = ("services", "capacite_accueil", "accessibilite_pmr", "publics", "prix_poste_mois_eur",
                   *ECONOMY_SHARES, *ECONOMY_REVENUES)


def written_revenue(profile: dict) -> int:
    """The chiffre_affaires_eur a survey row writes for ``profile``: rounded to the hundred."""
    return round(profile["revenue"] / 100) * 100


SURVEY = CsvFormat(
    "surveys",
    ("annee", "identifiant_lieu", "nom_lieu", "siret", "code_commune", "commune", "type_lieu", "annee_ouverture",
     "statut_lieu", "statut_juridique", "surface_m2", "postes_travail", "heures_ouverture_semaine", "adherents", "visiteurs_semaine",
     "evenements_an", "etp", "chiffre_affaires_eur", "part_financement_public_pct",
     # the economic model (issue 23)
     "services", "capacite_accueil", "accessibilite_pmr", "publics", "prix_poste_mois_eur", *ECONOMY_SHARES,
     *ECONOMY_REVENUES),
    separator=";", line_ending="\r\n", encoding="utf-8-sig")


def survey_row(*, year: str, ref: str, name: str, siret: str, commune_code: str, commune_name: str, kind: str,
               opened: int | None, statut: str, hours: int, profile: dict, no_revenue: bool,
               place_status: str = "ouvert", economy: dict[str, str] | None = None) -> list[str]:
    """An answer to the observatory's questionnaire (``profile`` from
    :func:`ingest.demo.vocabulary.survey_profile`): revenue rounded to the hundred, one decimal of ETP.
    ``place_status``: the place's status as written (statut_lieu: "ouvert", a synonym, or "" when blank);
    ``opened`` None leaves the opening year blank; ``economy`` (:func:`ingest.demo.vocabulary.survey_economy`):
    the economic-model columns, blank without."""
    economy = economy or {}
    return SURVEY.row(**{c: economy.get(c, "") for c in ECONOMY_COLUMNS},
        annee=year, identifiant_lieu=ref, nom_lieu=name, siret=siret, code_commune=commune_code, commune=commune_name,
        type_lieu=kind, annee_ouverture="" if opened is None else str(opened), statut_lieu=place_status,
        statut_juridique=statut, surface_m2=str(profile["surface"]),
        postes_travail=str(profile["desks"]), heures_ouverture_semaine=str(hours), adherents=str(profile["members"]),
        visiteurs_semaine=str(profile["visitors"]), evenements_an=str(profile["events"]), etp=f"{profile['etp']:.1f}",
        chiffre_affaires_eur="" if no_revenue else str(written_revenue(profile)),
        part_financement_public_pct=str(profile["public"]))


def survey_column(name: str) -> int:
    """Position of a column in a survey row."""
    return SURVEY.columns.index(name)


# ----------------------------------------------------------------------------------------------
# Referential publications: Etalab découpage administratif, ANCT grids, laureates, conseillers numériques
# ----------------------------------------------------------------------------------------------

ETALAB_COMMUNES = JsonFormat("communes_etalab", "lines")
ETALAB_EPCI = JsonFormat("epci_etalab", "lines")
ETALAB_DEPARTEMENTS = JsonFormat("departements_etalab", "lines")
ETALAB_REGIONS = JsonFormat("regions_etalab", "lines")


def etalab_commune(*, code: str, name: Name, arr: str, dep: str, reg: str, siren: str, postcodes: list[str],
                   population: int, former_codes: list[str] | None = None) -> dict:
    """A ``commune-actuelle`` of communes.json (``former_codes``: its ``anciensCodes``, if any)."""
    item = {"code": code, "nom": name.libelle, "typeLiaison": int(name.tncc), "zone": "metro", "arrondissement": arr,
            "departement": dep, "region": reg, "type": "commune-actuelle", "rangChefLieu": 0}
    if former_codes:
        item["anciensCodes"] = former_codes
    item.update({"siren": siren, "codesPostaux": postcodes, "population": int(population)})
    return item


def etalab_delegated(*, code: str, name: Name, parent: str, arr: str, dep: str, reg: str) -> dict:
    """A ``commune-deleguee`` of communes.json, attached to its commune nouvelle (``chefLieu``)."""
    return {"code": code, "nom": name.libelle, "typeLiaison": int(name.tncc), "zone": "metro",
            "type": "commune-deleguee", "chefLieu": parent, "arrondissement": arr, "departement": dep, "region": reg}


def etalab_arrondissement(*, code: str, name: Name, city: str, arr: str, dep: str, reg: str,
                          postcodes: list[str]) -> dict:
    """An ``arrondissement-municipal`` of communes.json, attached to its city (``commune``)."""
    return {"code": code, "nom": name.libelle, "typeLiaison": 0, "zone": "metro", "type": "arrondissement-municipal",
            "commune": city, "arrondissement": arr, "departement": dep, "region": reg, "codesPostaux": postcodes,
            "population": 0}


def etalab_epci(*, code: str, name: str, kind: str, members: list[dict]) -> dict:
    """An EPCI of epci.json; ``members`` from :func:`etalab_member`, its populations their sums."""
    return {"code": code, "nom": name, "type": kind, "modeFinancement": "FPU",
            "populationTotale": sum(m["populationTotale"] for m in members),
            "populationMunicipale": sum(m["populationMunicipale"] for m in members), "membres": members}


def etalab_member(*, code: str, siren: str, name: str, pmun: int, pcap: int) -> dict:
    return {"code": code, "siren": siren, "nom": name, "populationTotale": int(pmun) + int(pcap),
            "populationMunicipale": int(pmun)}


def etalab_departement(*, code: str, reg: str, name: str, chef_lieu: str = "") -> dict:
    """A département of departements.json (``chefLieu`` is left out when unknown: the contract allows it)."""
    item = {"code": code, "region": reg, "chefLieu": chef_lieu, "nom": name, "typeLiaison": 0, "zone": "metro"}
    return item if chef_lieu else {k: v for k, v in item.items() if k != "chefLieu"}


def etalab_region(*, code: str, name: str, type_liaison: int, chef_lieu: str = "") -> dict:
    """A région of regions.json (``chefLieu`` left out when unknown)."""
    item = {"code": code, "chefLieu": chef_lieu, "nom": name, "typeLiaison": type_liaison, "zone": "metro"}
    return item if chef_lieu else {k: v for k, v in item.items() if k != "chefLieu"}


# The ANCT superposeur grids: UTF-8 with BOM, LF, never quoted; the rurality values keep the publication's
# leading space.
DENSITY_GRID = CsvFormat("grille_densite", ("insee_com", "lib_com", "niveau_densite"), encoding="utf-8-sig",
                         quoting="none")
RURALITY_GRID = CsvFormat("typologie_ruralite", ("insee_com", "lib_com", "niveau_ruralite"), encoding="utf-8-sig",
                          quoting="none")


def density_grid_row(code: str, name: str, level: int) -> list[str]:
    return DENSITY_GRID.row(insee_com=code, lib_com=name, niveau_densite=DENSITY_LABELS[level])


def rurality_grid_row(code: str, name: str, rurality: str) -> list[str]:
    return RURALITY_GRID.row(insee_com=code, lib_com=name, niveau_ruralite=" " + rurality)


EPCI_CENTROIDS = JsonFormat("epci_centroids", "geojson")
PROGRAMME_LAUREATES = JsonFormat("programme_laureates", "geojson")


def epci_centroid(*, siren: str, name: str, lon: float, lat: float) -> dict:
    """A point of the ANCT EPCI centroids (no EPT in the synthetic territories)."""
    return {"properties": {"siren_epci": siren, "lib_epci": name, "type": "epci", "siren_ept": None, "lib_ept": None},
            "coordinates": [lon, lat]}


def laureate(*, code: str, commune_name: str, refs: list[str], names: list[str], lon: float, lat: float) -> dict:
    """A point of a programme's laureates, at the commune centre: several projects of one commune share the
    feature ("fabt-901; fabt-902"). ``code`` is the commune code as published."""
    return {"properties": {"id_geo": code, "lib_geo": commune_name, "id_territoire": "; ".join(refs),
                           "liste_geo": f"{commune_name} ({code})", "lib_territoire": "; ".join(names)},
            "coordinates": [lon, lat]}


def pvd_convention(*, ref: str, name: str, signed: str, communes: list[tuple[str, str]], lon: float,
                   lat: float) -> dict:
    """A point of the Petites villes de demain file (anct-carto/superposeur-anct ``pvd_geom.geojson``): no commune
    code column, the communes of the convention written as text in ``liste_geo`` ("Bouillante (97106)"; several
    communes "A (96001), B (96002)"), the date of signature ISO or empty. ``communes``: (name, code) pairs."""
    return {"properties": {"id_territoire": ref, "lib_territoire": name, "date_signature": signed,
                           "liste_geo": ", ".join(f"{n} ({c})" for n, c in communes)},
            "coordinates": [lon, lat]}


CONSEILLERS_NUMERIQUES = JsonFormat("conseillers_numeriques", "compact")


def cnfs_record(*, id: int, name: str, commune_name: str, commune_code: str, published_code: str, postcode: str,
                street: str, dep: str, dep_name: str, reg: str, reg_name: str, n_advisers: int, validated: str,
                public: bool, siret: str, investment: int, france_services: str = "non",
                geocoded: tuple[float, float, float] | None = None) -> dict:
    """A host structure of cnfs.json, every key as published: the postcode as a number that lost its leading
    zero plus the repaired ``code_postal_bis``, a two-line address; ``published_code`` may be "" (and
    ``postcode`` too). ``geocoded``: (latitude, longitude, score) of the geocoder's result, which the file
    publishes with the address it found; None for a structure that was not geocoded."""
    rec = {"raison_sociale": name, "commune_insee": commune_name, "département": dep_name.upper(), "région": reg_name,
           "nb_cnfs": n_advisers, "date_de_validation_en_comité_de_sélection": validated,
           "type": "publique" if public else "privée", "siret": siret, "code_département": dep.lstrip("0"),
           "adresse": f"{street}\n{postcode} {commune_name.upper()}", "insee_com": published_code,
           "code_postal": int(postcode) if postcode.isdigit() else None,
           "investissement_financier_estimatif_total_de_l.etat": investment, "zrr": "non", "qpv": "non",
           "france_services": france_services, "code_postal_bis": postcode}
    if geocoded is not None:
        lat, lon, score = geocoded
        rec.update({"latitude": lat, "longitude": lon, "result_score": score,
                    "result_label": f"{street.title()} {postcode} {commune_name}",
                    "result_postcode": int(postcode) if postcode.isdigit() else None, "result_citycode": commune_code})
    rec.update({"siret_doublon": "non", "cp_differents": "non", "adresse_absente": "non",
                "geocodage_manuel": "non" if geocoded is not None else "oui", "id": id, "insee_dep": dep,
                "lib_dep": dep_name, "insee_reg": reg, "lib_reg": reg_name})
    return rec


# ----------------------------------------------------------------------------------------------
# Registry and writers
# ----------------------------------------------------------------------------------------------

#: source name -> format of its files
FORMATS: dict[str, CsvFormat | JsonFormat] = {f.source: f for f in (
    COG_COMMUNES, POPULATIONS, COMMUNES_FRANCE, INVENTORY, FRANCE_SERVICES, MOBPRO_FLOWS, SUBVENTIONS, SURVEY,
    ETALAB_COMMUNES, ETALAB_EPCI, ETALAB_DEPARTEMENTS, ETALAB_REGIONS, DENSITY_GRID, RURALITY_GRID, EPCI_CENTROIDS,
    PROGRAMME_LAUREATES, CONSEILLERS_NUMERIQUES)}
#: relative path in the mirror -> format of the file
FILE_FORMATS: dict[str, CsvFormat | JsonFormat] = {
    path: fmt for source, fmt in FORMATS.items() for path in MIRROR_PATHS[source]}
#: the CSV files only
CSV_FILES: dict[str, CsvFormat] = {path: f for path, f in FILE_FORMATS.items() if isinstance(f, CsvFormat)}


def _anct_field(value) -> str:
    """ANCT list: strings quoted (quotes doubled), numbers bare, empty fields empty."""
    if value is None or value == "":
        return ""
    if isinstance(value, (int, float)):
        return repr(value)
    return '"' + str(value).replace('"', '""') + '"'


def _csv_text(fmt: CsvFormat, rows: list[list]) -> str:
    if fmt.quoting in ("anct", "none"):
        field = _anct_field if fmt.quoting == "anct" else str
        lines = [fmt.separator.join(field(v) for v in row) for row in [list(fmt.columns), *rows]]
        return fmt.line_ending.join(lines) + fmt.line_ending
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, delimiter=fmt.separator, lineterminator=fmt.line_ending,
                        quoting=csv.QUOTE_NONNUMERIC if fmt.quoting == "nonnumeric" else csv.QUOTE_MINIMAL)
    writer.writerow(fmt.columns)
    writer.writerows(rows)
    return buf.getvalue()


def _json_lines(items: list[dict]) -> str:
    return "[\n" + ",\n".join(json.dumps(i, ensure_ascii=False, separators=(",", ":")) for i in items) + "\n]\n"


def _geojson(name: str, features: list[dict]) -> str:
    head = ('{\n"type": "FeatureCollection",\n"name": "' + name + '",\n'
            '"crs": { "type": "name", "properties": { "name": "urn:ogc:def:crs:OGC:1.3:CRS84" } },\n"features": [\n')
    lines = []
    for f in features:
        props = ", ".join(f"{json.dumps(k, ensure_ascii=False)}: {json.dumps(v, ensure_ascii=False)}"
                          for k, v in f["properties"].items())
        lon, lat = f["coordinates"]
        lines.append('{ "type": "Feature", "properties": { ' + props + ' }, "geometry": { "type": "Point", '
                     f'"coordinates": [ {lon!r}, {lat!r} ] }} }}')
    return head + ",\n".join(lines) + "\n]\n}\n"


def _json_text(fmt: JsonFormat, rel: str, records: list[dict]) -> str:
    if fmt.layout == "lines":
        return _json_lines(records)
    if fmt.layout == "geojson":
        return _geojson(Path(rel).stem, records)
    return json.dumps(records, ensure_ascii=False, separators=(",", ":")) + "\n"


def write(out_dir: Path, rel: str, records: list | Flows) -> int:
    """Write the file ``rel`` of a mirror in its publication's format; return its number of data records."""
    fmt = FILE_FORMATS[rel]
    path = Path(out_dir) / rel
    if isinstance(records, Flows):
        return write_flows(path, records)
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(fmt, CsvFormat):
        path.write_bytes(_csv_text(fmt, records).encode(fmt.encoding))
    else:
        path.write_bytes(_json_text(fmt, rel, records).encode("utf-8"))
    return len(records)


def write_flows(path: Path, flows: Flows, chunk: int = 500_000) -> int:
    """Write a flows file (MOBPRO format, minimal quoting: no value needs quotes) with Arrow string kernels,
    fast enough for the 8,000,000 rows of the national stress file."""
    fmt = MOBPRO_FLOWS
    sep, eol = fmt.separator, fmt.line_ending
    path.parent.mkdir(parents=True, exist_ok=True)
    pairs = pa.array([f"{c}{sep}{nm}" for c, nm in zip(flows.table_codes, flows.table_names)], pa.string())
    for text in flows.table_names:
        if any(ch in text for ch in sep + '"\r\n'):
            raise ValueError(f"name needs quoting: {text!r}")
    with path.open("wb") as fh:
        fh.write((sep.join(fmt.columns) + eol).encode(fmt.encoding))
        for start in range(0, len(flows.values), chunk):
            sl = slice(start, start + chunk)
            values = pc.cast(pa.array(flows.values[sl]), pa.string())
            values = pc.binary_join_element_wise(values, "", eol)
            lines = pc.binary_join_element_wise(pairs.take(pa.array(flows.origin[sl])),
                                                pairs.take(pa.array(flows.dest[sl])), values, sep)
            lines = lines.combine_chunks() if isinstance(lines, pa.ChunkedArray) else lines
            offsets = np.frombuffer(lines.buffers()[1], dtype=np.int32)[lines.offset: lines.offset + len(lines) + 1]
            fh.write(memoryview(lines.buffers()[2])[int(offsets[0]): int(offsets[-1])])
    return len(flows.values)


# ----------------------------------------------------------------------------------------------
# Agreement with the loader's contracts
# ----------------------------------------------------------------------------------------------


def _sample_keys() -> dict[str, set[str]]:
    """The keys (or GeoJSON properties, plus the coordinates the reader takes from the geometry) each JSON
    publication's records carry, from records built with placeholder values."""
    name = Name("", "Exemple")
    commune = dict(code="96001", name=name, arr="961", dep="96", reg="96")
    communes = (etalab_commune(**commune, siren="200000001", postcodes=["96000"], population=1, former_codes=["9"])
                | etalab_delegated(**commune, parent="96002")
                | etalab_arrondissement(**{**commune, "city": "96002"}, postcodes=["96000"]))
    member = etalab_member(code="96001", siren="200000001", name="Exemple", pmun=1, pcap=0)
    geometry = {"longitude", "latitude"}
    cnfs = cnfs_record(id=1, name="X", commune_name="Exemple", commune_code="96001", published_code="96001",
                       postcode="96000", street="1 PL DE LA MAIRIE", dep="96", dep_name="Val", reg="96", reg_name="R",
                       n_advisers=1, validated="2021-05-19", public=True, siret="1", investment=1,
                       geocoded=(45.0, 3.0, 0.9))
    return {
        "communes_etalab": set(communes),
        "epci_etalab": set(etalab_epci(code="200000001", name="CC", kind="CC", members=[member])),
        "departements_etalab": set(etalab_departement(code="96", reg="96", name="Val", chef_lieu="96001")),
        "regions_etalab": set(etalab_region(code="96", name="R", type_liaison=0, chef_lieu="96001")),
        "epci_centroids": set(epci_centroid(siren="200000001", name="CC", lon=3.0, lat=45.0)["properties"]) | geometry,
        "programme_laureates": set(laureate(code="96001", commune_name="Exemple", refs=["fabt-1"], names=["F"],
                                            lon=3.0, lat=45.0)["properties"]) | geometry
        | set(pvd_convention(ref="pvd-1", name="Exemple", signed="2021-05-28", communes=[("Exemple", "96001")],
                             lon=3.0, lat=45.0)["properties"]),
        "conseillers_numeriques": set(cnfs),
    }


def contract_disagreements() -> list[str]:
    """Every contract column (canonical name, an alias, or a header pattern such as ``NBFLUX_C20_ACTOCC15P``)
    that a generated publication does not carry. The publications carry more columns than the contracts
    require: the real files have them."""
    keys = _sample_keys()
    problems = []
    for source, fmt in FORMATS.items():
        contract = CONTRACTS[source]
        names = set(fmt.columns) if isinstance(fmt, CsvFormat) else keys[source]
        for pattern, canonical, _ in contract.header_patterns:
            names |= {canonical for n in names if re.fullmatch(pattern, n)}
        # a column only a vintage's header yields (populations' CODGEO, of the millésimes 2021 and later) is
        # carried by that layout: the demo writes one layout of each publication (the real file's of ../shared)
        renamed = {target for vintage in contract.vintages for target in vintage.columns.values()}
        problems += [f"{source}: {c.name}" for c in contract.columns
                     if not names & {c.name, *c.aliases} and not (c.name in renamed and not c.required)]
    return problems


if contract_disagreements():
    raise RuntimeError(f"generated formats and source contracts disagree: {contract_disagreements()}")
