"""The source ``occupancy_counts``: where it is published, its columns and its defects."""

from ingest.sources.base import Source

SOURCE = Source(
    name='occupancy_counts',
    label='Comptages de fréquentation',
    description='Comptages de fréquentation : places disponibles par site et par horodatage (format de la série La Permanence)',
    publisher='Lieux du territoire',
    licence='Données des lieux (comptages transmis)',
    cadence='inbox',
    optional='aucun comptage de fréquentation reçu',
    loader='ingest.occupancy:load',
    locations={
        'demo': ('{mirror}/comptages/frequentation_demo_2025.csv',),
    },
)
