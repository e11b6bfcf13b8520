"""The source ``france_services``: where it is published, its columns and its defects."""

from ingest.contracts import DECIMAL, INSEE_COMMUNE, INTEGER, POSTCODE_OR_LOST_ZERO, Contract, _c
from ingest.sources.base import Source

SOURCE = Source(
    name='france_services',
    label='ANCT, liste des France Services',
    description='ANCT - Liste des structures France Services (data.gouv.fr)',
    publisher='ANCT',
    licence='Licence Ouverte 2.0 (Etalab)',
    cadence='monthly',
    defects=(
        'Coordonnées hors du département de la commune (SICTIAM) : centre de la commune retenu (dim_place.coordinates_status).',
        'Latitude et longitude inversées : ligne rejetée, jamais corrigée en silence.',
    ),
    locations={
        # Dataset https://www.data.gouv.fr/fr/datasets/liste-des-structures-france-services/ (CSV, id_fs is the stable key).
        'production': ('https://www.data.gouv.fr/fr/datasets/r/afc3f97f-0ef5-429b-bf63-3e4e2f2fe4e7',),
        'demo': ('{mirror}/anct/liste-fs-20240801.csv',),
        'shared-data': ('{mirror}/anct_france_services_2024/liste-fs-20240801.csv',),
    },
    contract=Contract(
        description="ANCT list of France Services: 2024 CSV columns, with the names of the 2021 GeoJSON and "
                    "2022 CSV vintages as aliases; id_fs is the stable key",
        # Aliases of older vintages (not in ../shared/data, so taken from the ANCT's naming habits and
        # the data.gouv.fr dataset's successive exports, unverified): "id"/"identifiant" for id_fs,
        # "nom"/"nom_fs"/"lib_structure" for lib_fs, "code_insee"/"codgeo"/"insee" for insee_com, "type" for
        # type_fs; a GeoJSON vintage gets latitude/longitude from its Point geometry (readers.py).
        columns=(
            _c("id_fs", "id", "identifiant", "identifiant_fs", "id_france_services", not_empty=True,
               pattern=INTEGER, label="identifiant France Services"),
            _c("lib_fs", "nom", "nom_fs", "lib_structure", "nom_france_services", not_empty=True,
               label="nom de la structure"),
            _c("insee_com", "code_insee", "codgeo", "insee", "code_commune", not_empty=True,
               pattern=INSEE_COMMUNE, label="code commune INSEE"),
            _c("insee_dep", "code_dep", "dep", required=False),
            _c("code_postal", "cp", required=False, pattern=POSTCODE_OR_LOST_ZERO, label="code postal"),
            _c("latitude", "lat", "y", pattern=DECIMAL, label="latitude"),
            _c("longitude", "lon", "lng", "long", "x", pattern=DECIMAL, label="longitude"),
            _c("type_fs", "type", "type_structure", required=False, pattern=r"Principal|Antenne",
               label="type (Principal/Antenne)"),
            _c("format_fs", "format", required=False),
        ),
        key=("id_fs",),
        coordinates=("latitude", "longitude"),
    ),
)
