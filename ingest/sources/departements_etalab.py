"""The source ``departements_etalab``: where it is published, its columns and its defects."""

from ingest.contracts import DEPARTEMENT, INSEE_COMMUNE, Contract, _c
from ingest.sources.base import Source

SOURCE = Source(
    name='departements_etalab',
    label='Etalab, découpage administratif (départements)',
    description='Etalab - découpage administratif, départements',
    publisher='Etalab',
    licence='Licence Ouverte 2.0 (Etalab)',
    cadence='yearly',
    locations={
        'production': ('https://unpkg.com/@etalab/decoupage-administratif@6.0.0/data/departements.json',),
        'demo': ('{mirror}/etalab/departements.json',),
        'shared-data': ('{mirror}/etalab_decoupage_administratif/departements.json',),
    },
    contract=Contract(
        description="Etalab découpage administratif: departements.json",
        columns=(
            _c("code", not_empty=True, pattern=DEPARTEMENT, label="code département"),
            _c("nom", not_empty=True, label="nom du département"),
            _c("region", required=False, pattern=r"\d{2,3}", label="code région"),
            _c("chefLieu", required=False, pattern=INSEE_COMMUNE, label="chef-lieu"),
        ),
        key=("code",),
    ),
)
