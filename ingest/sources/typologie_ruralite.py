"""The source ``typologie_ruralite``: where it is published, its columns and its defects."""

from ingest.contracts import INSEE_COMMUNE, Contract, _c
from ingest.sources.base import Source

SOURCE = Source(
    name='typologie_ruralite',
    label='ANCT, typologie des ruralités',
    description='ANCT - typologie des ruralités (superposeur ANCT)',
    publisher='ANCT',
    licence='Licence Ouverte 2.0 (Etalab)',
    cadence='yearly',
    defects=(
        'Valeurs publiées avec une espace initiale : gardées en raw, nettoyées en staging.',
    ),
    locations={
        'production': ('https://raw.githubusercontent.com/anct-carto/superposeur-V2/3f2b0c0b87604a13831a9f214988878b6a4cb67e/data/grilles/ruralite.csv',),
        'demo': ('{mirror}/anct/grilles/ruralite.csv',),
        'shared-data': ('{mirror}/anct_grilles/ruralite.csv',),
    },
    contract=Contract(
        description="ANCT typologie des ruralités (valeurs publiées avec une espace initiale, gardée en raw)",
        columns=(
            _c("insee_com", "codgeo", "code_insee", not_empty=True, pattern=INSEE_COMMUNE,
               label="code commune INSEE"),
            _c("lib_com", "libgeo", required=False),
            _c("niveau_ruralite", not_empty=True, label="typologie des ruralités"),
        ),
        key=("insee_com",),
    ),
)
