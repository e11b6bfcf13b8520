"""The source ``communes_geo``: where it is published, its columns and its defects."""

from ingest.contracts import DECIMAL, INSEE_COMMUNE, Contract, _c
from ingest.sources.base import Source

SOURCE = Source(
    name='communes_geo',
    label='data.gouv.fr, communes de France',
    description='data.gouv.fr - Communes et villes de France (communes-france-2025.csv)',
    publisher='data.gouv.fr',
    licence='Licence Ouverte 2.0 (data.gouv.fr) ; datas.fun : ODbL',
    cadence='yearly',
    defects=(
        "L'extrait communes-france-2025 donne à Paris le centre de Marseille et inversement : centres rejetés par int_commune_centre_candidates et listés dans quality_commune_centres.",
        'Deux publications du même référentiel (datas.fun et data.gouv.fr) : clé unique dans chaque fichier (key_per_file), centres comparés entre fichiers.',
    ),
    locations={
        # Dataset https://www.data.gouv.fr/fr/datasets/communes-et-villes-de-france-en-csv-excel-json-parquet-et-feather/
        'production': ('https://www.data.gouv.fr/fr/datasets/r/f5df602b-3800-44d7-b2df-fa40a0350325',),
        'demo': ('{mirror}/datagouv/communes-france-2025.csv',),
        # Both files, same contract through aliases (datas.fun: insee_com, lat, lng, commune_article). The
        # datas.fun file gives every commune a centre; the extract adds EPCI, canton and density for its 483
        # communes. Every centre is checked before use (int_commune_centre_candidates): the extract's Paris
        # carries Marseille's centre and Marseille Paris's; both are rejected and listed in
        # marts.quality_commune_centres with the centre retained instead.
        'shared-data': ('{mirror}/datasfun_communes_2024/communes.csv', '{mirror}/communes_france_2025_sample/communes-france-2025.csv'),
    },
    contract=Contract(
        description="data.gouv.fr communes-france (or the datas.fun communes.csv, same meaning under other "
                    "names): coordinates, EPCI, canton, density grid",
        columns=(
            _c("code_insee", "insee_com", not_empty=True, pattern=INSEE_COMMUNE, label="code commune INSEE"),
            _c("nom_standard", "commune_article", label="nom de la commune"),
            _c("epci_code", required=False, pattern=r"\d{9}|ZZZZZZZZZ", label="SIREN de l'EPCI"),
            _c("epci_nom", required=False),
            _c("canton_code", required=False),
            _c("latitude_centre", "lat", pattern=DECIMAL, label="latitude"),
            _c("longitude_centre", "lng", pattern=DECIMAL, label="longitude"),
            _c("grille_densite", required=False, pattern=r"\d", label="niveau de la grille de densité"),
            _c("grille_densite_texte", required=False),
            _c("dep_nom", required=False),
            _c("reg_nom", required=False),
        ),
        key=("code_insee",),
        # data.gouv communes-france and datas.fun give the same communes: both are kept, and
        # int_commune_centre_candidates checks each centre against the other sources.
        key_per_file=True,
        coordinates=("latitude_centre", "longitude_centre"),
    ),
)
