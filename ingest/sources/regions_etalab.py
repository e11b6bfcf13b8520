"""The source ``regions_etalab``: where it is published, its columns and its defects."""

from ingest.contracts import INSEE_COMMUNE, Contract, _c
from ingest.sources.base import Source

SOURCE = Source(
    name='regions_etalab',
    label='Etalab, découpage administratif (régions)',
    description='Etalab - découpage administratif, régions',
    publisher='Etalab',
    licence='Licence Ouverte 2.0 (Etalab)',
    cadence='yearly',
    locations={
        'production': ('https://unpkg.com/@etalab/decoupage-administratif@6.0.0/data/regions.json',),
        'demo': ('{mirror}/etalab/regions.json',),
        'shared-data': ('{mirror}/etalab_decoupage_administratif/regions.json',),
    },
    contract=Contract(
        description="Etalab découpage administratif: regions.json",
        columns=(
            _c("code", not_empty=True, pattern=r"\d{2,3}", label="code région"),
            _c("nom", not_empty=True, label="nom de la région"),
            _c("chefLieu", required=False, pattern=INSEE_COMMUNE, label="chef-lieu"),
        ),
        key=("code",),
    ),
)
