"""The source ``admin_contours``: where it is published, its format and its defects."""

from ingest.demo.contours import FILES, write_demo
from ingest.sources.base import Source

# Production: the simplified IGN Admin Express COG 2018 files republished by github.com/gregoiredavid/
# france-geojson (found with the project's code search: national files at the repository's root,
# communes-avec-outre-mer.geojson referenced by other projects at master), pinned at the commit the
# files of ../shared/data come from (shared/data/SOURCES.md, section f).
_GREGOIREDAVID = "https://raw.githubusercontent.com/gregoiredavid/france-geojson/5d34ee6d0140c29f785fdb047d9329f1aab58833/"
_SHARED = "{mirror}/ign_admin_express_2018_contours/"

SOURCE = Source(
    name='admin_contours',
    label='IGN, contours administratifs (Admin Express COG)',
    description="IGN Admin Express COG - contours simplifiés des communes, départements et régions (GeoJSON, WGS84)",
    publisher='IGN',
    licence='Licence Ouverte 2.0 (Etalab)',
    cadence='yearly',
    loader='ingest.contours:load',
    demo=write_demo,
    optional=("aucun contour administratif : les couches géographiques des territoires (dim_territory_geometry, "
              "export GeoPackage) sont vides, les lieux restent exportés en points"),
    locations={
        'production': tuple(_GREGOIREDAVID + f for f in ("regions-avec-outre-mer.geojson",
                                                          "departements-avec-outre-mer.geojson",
                                                          "communes-avec-outre-mer.geojson")),
        'demo': tuple("{mirror}/" + FILES[level] for level in ("region", "departement", "commune")),
        # The IGN files of the founding studies' territories (communes of 5 départements, every
        # département and région); the cantons files are not read: canton outlines are the union of their
        # communes in the COG vintage, as the canton indicators count them.
        'shared-data': (_SHARED + "regions-avec-outre-mer.geojson", _SHARED + "departements-avec-outre-mer.geojson",
                        *(_SHARED + f"communes-{d}.geojson" for d in ("19-correze", "23-creuse",
                                                                      "54-meurthe-et-moselle", "59-nord",
                                                                      "87-haute-vienne"))),
    },
    extra_tables={},
    defects=(
        "Millésime COG 2018 : les communes fusionnées depuis (communes nouvelles 2019-2022) y figurent sous leurs "
        "anciens codes ; l'entrepôt les ramène à la commune d'aujourd'hui par l'historique des codes et réunit "
        "leurs contours.",
        "Pas de contours d'EPCI : le contour d'un EPCI (et d'un canton) est la réunion de ceux de ses communes.",
        "Une commune sans contour publié est listée dans marts.quality_commune_contours, jamais perdue en silence.",
    ),
)
