"""The source ``epci_centroids``: where it is published, its columns and its defects."""

from ingest.contracts import DECIMAL, SIREN, Contract, _c
from ingest.sources.base import Source

SOURCE = Source(
    name='epci_centroids',
    label='ANCT, centres des EPCI',
    description='ANCT - centroïdes des EPCI et EPT (superposeur ANCT)',
    publisher='ANCT',
    licence='Licence Ouverte 2.0 (Etalab)',
    cadence='yearly',
    locations={
        'production': ('https://raw.githubusercontent.com/anct-carto/superposeur-V2/3f2b0c0b87604a13831a9f214988878b6a4cb67e/data/admin/centroide-4326_epci-ept.geojson',),
        'demo': ('{mirror}/anct/grilles/centroide-4326_epci-ept.geojson',),
        'shared-data': ('{mirror}/anct_grilles/centroide-4326_epci-ept.geojson',),
    },
    contract=Contract(
        description="ANCT centroïdes des EPCI et EPT (GeoJSON de points, WGS84)",
        columns=(
            _c("siren_epci", required=True, pattern=SIREN, label="SIREN de l'EPCI"),
            _c("lib_epci", required=False),
            _c("type", not_empty=True, pattern=r"epci|ept", label="type (epci/ept)"),
            _c("siren_ept", required=False, pattern=SIREN, label="SIREN de l'EPT"),
            _c("lib_ept", required=False),
            _c("longitude", not_empty=True, pattern=DECIMAL, label="longitude"),
            _c("latitude", not_empty=True, pattern=DECIMAL, label="latitude"),
        ),
        key=("type", "siren_epci", "siren_ept"),
        coordinates=("latitude", "longitude"),
    ),
)
