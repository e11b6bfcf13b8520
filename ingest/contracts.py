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
    header_patterns: tuple[tuple[str, str, str], ...] = ()
    """(regex, canonical name, extra column) for headers that embed a vintage, e.g.
    ``NBFLUX_C20_ACTOCC15P`` -> ``NBFLUX_ACTOCC15P`` plus ``census_year`` = 2020."""
    description: str = ""
    extra: dict = field(default_factory=dict)

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
    ),
    "communes_geo": Contract(
        source="communes_geo",
        description="data.gouv.fr communes-france: coordinates, EPCI, canton, density grid",
        columns=(
            _c("code_insee", not_empty=True, pattern=INSEE_COMMUNE, label="code commune INSEE"),
            _c("nom_standard", label="nom de la commune"),
            _c("epci_code", required=False, pattern=r"\d{9}|ZZZZZZZZZ", label="SIREN de l'EPCI"),
            _c("epci_nom", required=False),
            _c("canton_code", required=False),
            _c("latitude_centre", pattern=DECIMAL, label="latitude"),
            _c("longitude_centre", pattern=DECIMAL, label="longitude"),
            _c("grille_densite", required=False, pattern=r"\d", label="niveau de la grille de densité"),
            _c("grille_densite_texte", required=False),
            _c("dep_nom", required=False),
            _c("reg_nom", required=False),
        ),
        key=("code_insee",),
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
    ),
    "france_services": Contract(
        source="france_services",
        description="ANCT list of France Services (2024 columns); id_fs is the stable key",
        columns=(
            _c("id_fs", not_empty=True, pattern=INTEGER, label="identifiant France Services"),
            _c("lib_fs", "nom", not_empty=True, label="nom de la structure"),
            _c("insee_com", "code_insee", not_empty=True, pattern=INSEE_COMMUNE, label="code commune INSEE"),
            _c("insee_dep", required=False),
            _c("latitude", "lat", pattern=DECIMAL, label="latitude"),
            _c("longitude", "lon", "lng", pattern=DECIMAL, label="longitude"),
            _c("type_fs", required=False, pattern=r"Principal|Antenne", label="type (Principal/Antenne)"),
            _c("format_fs", required=False),
        ),
        key=("id_fs",),
    ),
    "mobpro_flows": Contract(
        source="mobpro_flows",
        description="INSEE home-to-work flows (any census year)",
        columns=(
            _c("CODGEO", "codgeo", not_empty=True, pattern=INSEE_COMMUNE, label="commune de résidence"),
            _c("LIBGEO", required=False),
            _c("DCLT", "dclt", not_empty=True, pattern=r"(?:\d{5}|2[AB]\d{3}|[A-Z]{2}\d{3})",
               label="commune ou code étranger du lieu de travail"),
            _c("L_DCLT", required=False),
            _c("NBFLUX_ACTOCC15P", not_empty=True, pattern=DECIMAL, label="nombre d'actifs occupés"),
        ),
        key=("CODGEO", "DCLT"),
        header_patterns=((r"NBFLUX_C(\d{2})_ACTOCC15P", "NBFLUX_ACTOCC15P", "census_year"),),
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
            _c("siret", required=False, pattern=r"\d{14}", label="SIRET"),
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
}


def compile_patterns(contract: Contract) -> dict[str, re.Pattern]:
    return {c.name: re.compile(c.pattern) for c in contract.columns if c.pattern}
