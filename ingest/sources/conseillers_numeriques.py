"""The source ``conseillers_numeriques``: where it is published, its columns and its defects."""

from ingest.contracts import DECIMAL, INSEE_COMMUNE_OR_LOST_ZERO, INTEGER, POSTCODE_OR_LOST_ZERO, SIRET, Contract, _c
from ingest.sources.base import Source

SOURCE = Source(
    name='conseillers_numeriques',
    label='ANCT, structures accueillant des conseillers numériques',
    description='ANCT - structures accueillant des conseillers numériques France Services',
    publisher='ANCT',
    licence='Licence Ouverte 2.0 (Etalab)',
    cadence='quarterly',
    optional='aucune structure de conseillers numériques chargée',
    defects=(
        '« null » publié comme texte pour 5 structures sans SIRET : gardé tel quel.',
        'Codes commune à 4 chiffres (zéro perdu) : acceptés, complétés en staging.',
        'Points géocodés hors du département de leur commune : remplacés par le centre de la commune (dim_programme_label.coordinates_status).',
    ),
    locations={
        # Repository anct-carto/conseillers-numeriques (archived in 2022; the programme's later lists are on data.gouv.fr).
        'production': ('https://raw.githubusercontent.com/anct-carto/conseillers-numeriques/146bea3cb15c13114e6c7451efcf3bf2f634d1bd/data/cnfs.json',),
        'demo': ('{mirror}/anct/conseillers_numeriques/cnfs.json',),
        'shared-data': ('{mirror}/anct_conseillers_numeriques/cnfs.json',),
    },
    contract=Contract(
        description="ANCT structures accueillant des conseillers numériques France Services (cnfs.json)",
        columns=(
            _c("id", not_empty=True, pattern=INTEGER, label="identifiant"),
            _c("raison_sociale", not_empty=True, label="raison sociale"),
            # "null" is published as a string for 5 structures without SIRET: kept as published.
            _c("siret", required=False, pattern=SIRET, label="SIRET", sentinels=("null",)),
            _c("insee_com", required=False, pattern=INSEE_COMMUNE_OR_LOST_ZERO, label="code commune INSEE",
               consequence="pas de code commune : les structures sont placées par leur code postal et leur nom de "
                           "commune ou par leurs coordonnées (méthode dans quality_place_placement)"),
            _c("code_postal", required=False, pattern=POSTCODE_OR_LOST_ZERO, label="code postal"),
            _c("code_postal_bis", required=False, pattern=r"\d{5}", label="code postal (corrigé)"),
            _c("latitude", required=False, pattern=DECIMAL, label="latitude",
               consequence="pas de coordonnées : les structures sont situées au centre de leur commune (distances "
                           "approchées)"),
            _c("longitude", required=False, pattern=DECIMAL, label="longitude"),
            _c("nb_cnfs", required=False, pattern=INTEGER, label="nombre de conseillers"),
            _c("investissement_financier_estimatif_total_de_l.etat", required=False, pattern=DECIMAL,
               label="investissement estimé de l'État"),
            _c("france_services", required=False),
            _c("type", required=False),
        ),
        key=("id",),
        coordinates=("latitude", "longitude"),
    ),
)
