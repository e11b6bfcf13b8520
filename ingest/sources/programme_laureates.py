"""The source ``programme_laureates``: where it is published, its columns and its defects."""

from ingest.contracts import DECIMAL, INSEE_COMMUNE, Contract, _c
from ingest.sources.base import Source

SOURCE = Source(
    name='programme_laureates',
    label='ANCT, lauréats des programmes (Fabriques de territoire, Manufactures de proximité)',
    description='ANCT - lauréats Fabriques de territoire et Manufactures de proximité (superposeur ANCT)',
    publisher='ANCT',
    licence='Licence Ouverte 2.0 (Etalab)',
    cadence='quarterly',
    optional='aucun lauréat de programme chargé',
    defects=(
        'Plusieurs projets dans un même champ (« fabt-59; fabt-60 ») : un enregistrement par projet en staging.',
        "Un point par commune (son centre), ni adresse ni SIRET : le lieu n'est jamais apparié par la distance.",
    ),
    locations={
        # Repository anct-carto/superposeur-anct, data/geom/: the programmes' laureates as commune points.
        'production': ('https://raw.githubusercontent.com/anct-carto/superposeur-anct/58f854e33e6628e85ab7ef52fafadd9da7a7f5f4/data/geom/geojsonV2/fabt_geom.geojson', 'https://raw.githubusercontent.com/anct-carto/superposeur-anct/5c5ffe30cc5d4a0e05a99d30a316d196e180f96a/data/geom/old/manuprox_geom.geojson'),
        'demo': ('{mirror}/anct/programmes/fabt_geom.geojson', '{mirror}/anct/programmes/manuprox_geom.geojson'),
        'shared-data': ('{mirror}/anct_programmes/fabt_geom.geojson', '{mirror}/anct_programmes/manuprox_geom.geojson'),
    },
    contract=Contract(
        description="ANCT lauréats Fabriques de territoire et Manufactures de proximité (un point par "
                    "commune, plusieurs projets « fabt-59; fabt-60 » dans un même champ)",
        columns=(
            _c("id_geo", "insee_com", not_empty=True, pattern=INSEE_COMMUNE, label="code commune INSEE"),
            _c("lib_geo", "lib_com", required=False),
            _c("id_territoire", not_empty=True,
               pattern=r"[a-z]+(?:-\d+)+(?:\s*;\s*[a-z]+(?:-\d+)+)*", label="identifiant(s) de projet"),
            _c("lib_territoire", required=False),
            _c("liste_geo", required=False),
            _c("longitude", pattern=DECIMAL, label="longitude"),
            _c("latitude", pattern=DECIMAL, label="latitude"),
        ),
        key=("id_territoire", "id_geo"),
        coordinates=("latitude", "longitude"),
    ),
)
