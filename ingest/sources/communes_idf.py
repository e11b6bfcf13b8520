"""The source ``communes_idf``: where it is published, its columns and its defects."""

from ingest.contracts import INSEE_COMMUNE, Contract, _c
from ingest.sources.base import Source

SOURCE = Source(
    name='communes_idf',
    label="Liste des communes d'Île-de-France du jeu cartograflow (COD_GEO;REG)",
    description="Liste des communes d'Île-de-France du jeu cartograflow (COD_GEO;REG)",
    publisher='Cartograflow (INSEE RP2014)',
    licence='Licence MIT (dépôt cartograflow), données INSEE sous Licence Ouverte',
    cadence='yearly',
    optional='aucune liste de communes du fichier de flux',
    defects=(
        '20 communes publiées sans code région : acceptées (REG facultatif).',
    ),
    locations={
        'shared-data': ('{mirror}/mobpro_idf_cartograflow/COD_GEO_IDF.csv',),
    },
    contract=Contract(
        description="Liste des communes d'Île-de-France du jeu cartograflow (COD_GEO;REG)",
        columns=(
            _c("COD_GEO", "CODGEO", not_empty=True, pattern=INSEE_COMMUNE, label="code commune INSEE"),
            _c("REG", pattern=r"\d{2}", label="code région"),   # 20 communes are published without one
        ),
        key=("COD_GEO",),
    ),
)
