"""The source ``mobpro_flows``: where it is published, its columns and its defects."""

from ingest.contracts import DECIMAL, FOREIGN_WORKPLACE, INSEE_COMMUNE, Contract, _c
from ingest.sources.base import Source

SOURCE = Source(
    name='mobpro_flows',
    label='INSEE, flux domicile-travail',
    description='INSEE - Base flux de mobilité domicile-lieu de travail 2022 (RP2022)',
    publisher='INSEE',
    licence='Licence Ouverte 2.0 (Etalab)',
    cadence='yearly',
    optional='aucun flux domicile-travail : les indicateurs de mobilité ne sont pas calculés',
    locations={
        # Page https://www.insee.fr/fr/statistiques/8582949: zipped CSV, NBFLUX_C22_ACTOCC15P (census year read from the header).
        'production': ('https://www.insee.fr/fr/statistiques/fichier/8582949/base-flux-mobilite-domicile-lieu-travail-2022_csv.zip',),
        'demo': ('{mirror}/insee/base-flux-mobilite-domicile-lieu-travail-2020.csv',),
        'shared-data': ('{mirror}/mobpro_idf_cartograflow/tab_IDF_mobpro.csv',),
    },
    contract=Contract(
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
)
