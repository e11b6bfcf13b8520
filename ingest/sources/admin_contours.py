"""The source ``admin_contours``: where it is published, its format and its defects."""

from dataclasses import dataclass

from ingest.demo.contours import FILES, write_demo
from ingest.sources.base import Source

# Production: the simplified IGN Admin Express COG 2018 files republished by github.com/gregoiredavid/
# france-geojson (found with the project's code search: national files at the repository's root,
# communes-avec-outre-mer.geojson referenced by other projects at master), pinned at the commit the
# files of ../shared/data come from (shared/data/SOURCES.md, section f).
_GREGOIREDAVID = "https://raw.githubusercontent.com/gregoiredavid/france-geojson/5d34ee6d0140c29f785fdb047d9329f1aab58833/"
_SHARED = "{mirror}/ign_admin_express_2018_contours/"

# The layouts the loader reads (tests/test_contours_layouts.py loads each in its real layout). The level of a
# file is in its name (its first words, case, "-", "_" and spaces ignored: ``communes-100m.geojson``,
# ``COMMUNE.geojson``, ``departement-01-ain.geojson``); its layout is recognised by the property that holds
# the code for that level in its first feature. Levels beyond commune, département and région (EPCI,
# arrondissements municipaux, communes déléguées, cantons) are kept in raw under their own level and are not
# drawn: the product draws them as the union of their communes in the COG vintage loaded.
LEVEL_NAMES = (
    # (first words of the file name, level): the longest first
    ("communes-associees-deleguees", "commune_deleguee"),   # Etalab
    ("commune-associee-ou-deleguee", "commune_deleguee"),   # IGN Admin Express
    ("arrondissements-municipaux", "arrondissement_municipal"),   # Etalab
    ("arrondissement-municipal", "arrondissement_municipal"),     # IGN Admin Express
    ("georef-france-commune", "commune"),                  # OpenDataSoft
    ("georef-france-departement", "departement"),
    ("georef-france-region", "region"),
    ("georef-france-epci", "epci"),
    ("communes", "commune"), ("commune", "commune"),
    ("cantons", "canton"), ("canton", "canton"),
    ("departements", "departement"), ("departement", "departement"),
    ("regions", "region"), ("region", "region"),
    ("epci", "epci"),
)


@dataclass(frozen=True)
class ContourLayout:
    """One published layout of contour files: for each level, the property holding the code and the ones
    holding the name (the first present; property names compared without case)."""

    name: str
    codes: dict[str, tuple[str, ...]]
    names: dict[str, tuple[str, ...]]
    description: str = ""
    arrondissement_of: str | None = None
    """The property that, when it holds a code in a commune file, says the feature is an arrondissement
    municipal of that commune (Etalab's communes files hold both: ``commune`` = "75056" for Paris 1er)."""


LAYOUTS = (
    ContourLayout(
        "france-geojson / Etalab (code, nom)",
        codes={level: ("code",) for level in ("commune", "canton", "departement", "region", "epci",
                                              "arrondissement_municipal", "commune_deleguee")},
        names={level: ("nom",) for level in ("commune", "canton", "departement", "region", "epci",
                                             "arrondissement_municipal", "commune_deleguee")},
        description="github.com/gregoiredavid/france-geojson (IGN Admin Express COG 2018 simplifié) et les contours "
                    "administratifs d'Etalab (communes-100m.geojson, epci-100m.geojson...).",
        arrondissement_of="commune"),
    ContourLayout(
        "IGN Admin Express (GeoJSON)",
        codes={"commune": ("INSEE_COM",), "departement": ("INSEE_DEP",), "region": ("INSEE_REG",),
               "epci": ("CODE_SIREN", "CODE_EPCI"), "arrondissement_municipal": ("INSEE_ARM",),
               "commune_deleguee": ("INSEE_CAD",)},
        names={"commune": ("NOM", "NOM_COM"), "departement": ("NOM", "NOM_DEP"), "region": ("NOM", "NOM_REG"),
               "epci": ("NOM", "NOM_EPCI"), "arrondissement_municipal": ("NOM", "NOM_ARM"),
               "commune_deleguee": ("NOM", "NOM_CAD")},
        description="couches COMMUNE, DEPARTEMENT, REGION, EPCI, ARRONDISSEMENT_MUNICIPAL converties en GeoJSON "
                    "WGS84 (éditions 2-x et 3-x, champs en majuscules ; un GeoPackage converti les écrit en "
                    "minuscules)."),
    ContourLayout(
        "IGN Admin Express 4 (GeoJSON)",
        codes={level: ("code_insee",) for level in ("commune", "departement", "region", "arrondissement_municipal")},
        names={level: ("nom_officiel",) for level in ("commune", "departement", "region", "arrondissement_municipal")},
        description="édition 4-0 (champs code_insee, nom_officiel) convertie en GeoJSON WGS84."),
    ContourLayout(
        "OpenDataSoft georef-france",
        codes={"commune": ("com_code",), "departement": ("dep_code",), "region": ("reg_code",),
               "epci": ("epci_code",)},
        names={"commune": ("com_name",), "departement": ("dep_name",), "region": ("reg_name",),
               "epci": ("epci_name",)},
        description="exports GeoJSON de georef-france-commune, -departement, -region, -epci (valeurs parfois "
                    "écrites en listes d'une valeur : [\"01001\"])."),
)


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
        "Contours d'EPCI, de cantons, d'arrondissements municipaux ou de communes déléguées (Etalab, Admin "
        "Express) gardés en raw sous leur niveau, non dessinés : le contour d'un EPCI (et d'un canton) est la "
        "réunion de ceux de ses communes.",
        "Autres éditions lues (LAYOUTS) : contours administratifs d'Etalab, Admin Express converti en GeoJSON "
        "WGS84, exports georef-france d'OpenDataSoft ; Shapefile, GeoPackage, Lambert-93 et fichier coupé "
        "refusés en entier avec ce qu'il faut prendre à la place.",
        "Une commune sans contour publié est listée dans marts.quality_commune_contours, jamais perdue en silence.",
    ),
)
