"""The source ``communes_etalab``: where it is published, its columns and its defects."""

from ingest.contracts import DEPARTEMENT, INSEE_COMMUNE, INTEGER, SIREN, Contract, _c
from ingest.sources.base import Source

SOURCE = Source(
    name='communes_etalab',
    label='Etalab, découpage administratif (communes)',
    description='Etalab - découpage administratif, communes (@etalab/decoupage-administratif)',
    publisher='Etalab',
    licence='Licence Ouverte 2.0 (Etalab)',
    cadence='yearly',
    locations={
        # npm package by Etalab (DINUM), data/ folder served by unpkg; pin the version to keep refreshes reproducible.
        'production': ('https://unpkg.com/@etalab/decoupage-administratif@6.0.0/data/communes.json',),
        'demo': ('{mirror}/etalab/communes.json',),
        'shared-data': ('{mirror}/etalab_decoupage_administratif/communes.json',),
    },
    contract=Contract(
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
            _c("codesPostaux", required=False, consequence="pas de codes postaux : un lieu publié sans code commune ne peut être placé par son code postal"),
            _c("anciensCodes", required=False, consequence="pas d'anciens codes : un lieu publié sous le code d'une commune fusionnée depuis n'est pas rattaché à la commune nouvelle par ce fichier"),
        ),
        key=("type", "code"),
    ),
)
