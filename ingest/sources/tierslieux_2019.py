"""The source ``tierslieux_2019``: where it is published, its columns and its defects."""

from ingest.contracts import DECIMAL, INTEGER, Contract, _c
from ingest.sources.base import Source

SOURCE = Source(
    name='tierslieux_2019',
    label='ANCT, inventaire des tiers-lieux',
    description='CGET/ANCT - Inventaire national des tiers-lieux 2019 (Mission coworking)',
    publisher='ANCT',
    licence='Licence Ouverte 2.0 (Etalab)',
    cadence='quarterly',
    defects=(
        '« 0 » publié pour un code commune ou un code postal inconnu : gardé en raw, nul en staging.',
        'Codes commune et codes postaux qui ont perdu leur zéro initial (« 1001 ») : acceptés, complétés en staging.',
        'Lieux sans code commune : placés par leurs coordonnées (quality_place_placement).',
    ),
    locations={
        # Repository of the Mission coworking map; the 2019 census is not republished elsewhere.
        'production': ('https://raw.githubusercontent.com/anct-carto/mission_coworking/f228a034e88183f315ece63d2f4a90decbdfd017/CGET_TiersLieux_2019.csv',),
        'demo': ('{mirror}/anct/CGET_TiersLieux_2019.csv',),
        'shared-data': ('{mirror}/cget_tierslieux_2019/CGET_TiersLieux_2019.csv',),
    },
    contract=Contract(
        description="CGET/ANCT 2019 national inventory of tiers-lieux",
        columns=(
            _c("ID", "id", not_empty=True, pattern=INTEGER, label="identifiant"),
            _c("NOM_TL", "nom", not_empty=True, label="nom du lieu"),
            _c("ADRESSE", required=False, consequence="pas d'adresse : l'annuaire n'en montre pas et le rapprochement avec les autres sources se fait sur le nom et la distance seuls"),
            _c("CP", pattern=r"\d{5}|\d{4}|0", label="code postal", sentinels=("0",)),
            _c("INSEECOM", pattern=r"(?:\d{5}|2[AB]\d{3}|\d{4}|0)", label="code commune INSEE", sentinels=("0",)),
            _c("NOMCOM", required=False),
            _c("TYPO", required=False, consequence="pas de type de lieu : aucun tiers-lieu n'est compté comme coworking ou fablab (type « non renseigné »)"),
            _c("LAT", pattern=DECIMAL, label="latitude"),
            _c("LONG", "LON", "LNG", pattern=DECIMAL, label="longitude"),
            _c("PRECISION", required=False, pattern=DECIMAL, label="précision du géocodage"),
        ),
        key=("ID",),
        coordinates=("LAT", "LONG"),
    ),
)
