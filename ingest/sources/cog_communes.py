"""The source ``cog_communes``: where it is published, its columns and its defects."""

from ingest.contracts import INSEE_COMMUNE, Contract, _c
from ingest.sources.base import Source

SOURCE = Source(
    name='cog_communes',
    label='INSEE, code officiel géographique',
    description='INSEE - Code officiel géographique 2025, liste des communes',
    publisher='INSEE',
    licence='Licence Ouverte 2.0 (Etalab)',
    cadence='yearly',
    locations={
        # Page https://www.insee.fr/fr/information/8377162 (one file per year: change the id and the year).
        'production': ('https://www.insee.fr/fr/statistiques/fichier/8377162/v_commune_2025.csv',),
        'demo': ('{mirror}/insee/v_commune_2024.csv',),
        'shared-data': ('{mirror}/insee_cog/commune_2022.csv',),
    },
    contract=Contract(
        description="INSEE COG: one row per commune, commune déléguée/associée and arrondissement",
        columns=(
            _c("TYPECOM", "typecom", not_empty=True, pattern=r"COM|COMD|COMA|ARM", label="type de commune"),
            _c("COM", "com", not_empty=True, pattern=INSEE_COMMUNE, label="code commune INSEE"),
            _c("REG", "reg", required=False, pattern=r"\d{2}", label="code région",
               consequence="pas de code région : les communes ne sont rattachées à aucune région (indicateurs par région vides)"),
            _c("DEP", "dep", pattern=r"\d{2,3}|2[AB]", label="code département (vide pour COMD/COMA)"),
            _c("LIBELLE", "libelle", not_empty=True, label="nom de la commune"),
            _c("CAN", "can", required=False, pattern=r"(?:\d{2}|2[AB]|\d{3})\d{2}", label="code canton",
               consequence="pas de canton : les indicateurs par canton (cantons sans France Services) sont vides"),
            _c("COMPARENT", "comparent", required=False, pattern=INSEE_COMMUNE, label="commune parente"),
        ),
        key=("TYPECOM", "COM"),
    ),
)
