"""The source ``grille_densite``: where it is published, its columns and its defects."""

from ingest.contracts import INSEE_COMMUNE, Contract, _c
from ingest.sources.base import Source

SOURCE = Source(
    name='grille_densite',
    label='INSEE, grille communale de densité',
    description='INSEE/ANCT - grille communale de densité à 7 niveaux (superposeur ANCT)',
    publisher='INSEE / ANCT',
    licence='Licence Ouverte 2.0 (Etalab)',
    cadence='yearly',
    locations={
        # The superposeur's copy of the INSEE grid (https://www.insee.fr/fr/information/6439600).
        'production': ('https://raw.githubusercontent.com/anct-carto/superposeur-V2/3f2b0c0b87604a13831a9f214988878b6a4cb67e/data/grilles/densite.csv',),
        'demo': ('{mirror}/anct/grilles/densite.csv',),
        'shared-data': ('{mirror}/anct_grilles/densite.csv',),
    },
    contract=Contract(
        description="INSEE/ANCT grille communale de densité à 7 niveaux (superposeur ANCT)",
        columns=(
            _c("insee_com", "codgeo", "code_insee", not_empty=True, pattern=INSEE_COMMUNE,
               label="code commune INSEE"),
            _c("lib_com", "libgeo", required=False),
            _c("niveau_densite", "dens7", not_empty=True, label="niveau de densité"),
        ),
        key=("insee_com",),
    ),
)
