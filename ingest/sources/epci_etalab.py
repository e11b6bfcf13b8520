"""The source ``epci_etalab``: where it is published, its columns and its defects."""

from ingest.contracts import INTEGER, SIREN, Contract, _c
from ingest.sources.base import Source

SOURCE = Source(
    name='epci_etalab',
    label='Etalab, découpage administratif (EPCI)',
    description='Etalab - découpage administratif, EPCI et communes membres',
    publisher='Etalab',
    licence='Licence Ouverte 2.0 (Etalab)',
    cadence='yearly',
    locations={
        'production': ('https://unpkg.com/@etalab/decoupage-administratif@6.0.0/data/epci.json',),
        'demo': ('{mirror}/etalab/epci.json',),
        'shared-data': ('{mirror}/etalab_decoupage_administratif/epci.json',),
    },
    contract=Contract(
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
)
