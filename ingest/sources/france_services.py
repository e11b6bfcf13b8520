"""The source ``france_services``: where it is published, its columns and its defects."""

from ingest.contracts import DECIMAL, INSEE_COMMUNE, POSTCODE_OR_LOST_ZERO, Contract, Meaning, Vintage, _c
from ingest.sources.base import Source

NO_TYPE = "pas de type : les antennes ne sont pas distinguées des sites principaux (« non renseigné »)"
NO_ROAMING = "pas d'itinérance : les sites itinérants ne sont pas distingués (« non renseigné »)"
NO_CATEGORY = ("pas de catégorie : ni les antennes ni les sites itinérants ne sont distingués "
               "(« non renseigné »)")

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
        'Millésime 2022 : identifiants provisoires temp_1 ... temp_159 pour les sites labellisés dans le mois, chargés tels quels ; '
        'le type (« Site principal » / « Antenne ») est dans format_fs, l\'itinérance dans itinerance.',
        'Millésime 2021 (GeoJSON) : MATRICULE écrit en nombre (« 2.0 »), catégorie FS / FS itinérante / Antenne / Antenne itinérante '
        '(avec ou sans accent) ; codes corses sans leur zéro (« 2B14 ») rendus par le département (2B014), correction au rapport par champ.',
        'Colonne de type ou d\'itinérance absente ou valeur inconnue : « non renseigné » (jamais « Principal » par défaut), avertissement au rapport.',
    ),
    locations={
        # Dataset https://www.data.gouv.fr/fr/datasets/liste-des-structures-france-services/ (CSV, id_fs is the stable key).
        # The resource's stable URL, the one the ANCT's own map reads (github.com/anct-carto/france_services,
        # src/app.js, commit 7f28d9b3: dataUrl) and etalab-ia/franceservices-backend downloads.
        'production': ('https://www.data.gouv.fr/fr/datasets/r/afc3f97f-0ef5-429b-bf16-7b7876d27cd4',),
        'demo': ('{mirror}/anct/liste-fs-20240801.csv',),
        'shared-data': ('{mirror}/anct_france_services_2024/liste-fs-20240801.csv',),
    },
    contract=Contract(
        description="ANCT list of France Services, three published layouts (vintages): the 2021 GeoJSON of the ANCT "
                    "map, the 2022 CSV and the 2024 CSV of data.gouv.fr; id_fs is the key within a file",
        # The vintages as published (layouts read in the files archived by the ANCT's own map repositories):
        # - 2021, GeoJSON (github.com/anct-carto/France-services, data/france_services.geojson): MATRICULE (a JSON
        #   number, "2.0"), DEPARTEMENT ("1", "2B"), lib_france_services, ADRESSE, insee_com, code_postal, LATITUDE,
        #   LONGITUDE, ITINERANCE ("Oui"/""), FORMAT_FS, Labellisation and categorie: FS, FS itinérante, Antenne,
        #   Antenne itinérante (written with or without the accent); Corsican codes may have lost a zero ("2B14").
        # - 2022, CSV (read by github.com/anct-carto/france_services src/app.js of 2022): id_fs (provisional ids
        #   temp_1 ... for the sites labelled that month), lib_fs, adresse, insee_com, latitude, longitude, no type_fs:
        #   format_fs holds "Site principal" / "Antenne", itinerance "Oui" / "Non" / empty.
        # - 2024, CSV (liste-fs-20240801.csv): type_fs Principal / Antenne, format_fs Fixe, Multisites,
        #   Fixe_antenne(s), Itinérante, Bus_équivalent.
        columns=(
            _c("id_fs", "id", "identifiant", "identifiant_fs", "id_france_services", "matricule", not_empty=True,
               pattern=r"\d+(?:\.0+)?|temp_\d+", label="identifiant France Services (entier, ou temp_N provisoire)"),
            _c("lib_fs", "nom", "nom_fs", "lib_structure", "nom_france_services", "lib_france_services",
               not_empty=True, label="nom de la structure"),
            _c("insee_com", "code_insee", "codgeo", "insee", "code_commune", not_empty=True,
               pattern=INSEE_COMMUNE, label="code commune INSEE", normalize="insee_commune"),
            _c("insee_dep", "code_dep", "dep", "departement", required=False),
            _c("code_postal", "cp", required=False, pattern=POSTCODE_OR_LOST_ZERO, label="code postal"),
            _c("latitude", "lat", "y", pattern=DECIMAL, label="latitude"),
            _c("longitude", "lon", "lng", "long", "x", pattern=DECIMAL, label="longitude"),
            _c("type_fs", "type", "type_structure", required=False, label="type (Principal/Antenne)"),
            _c("format_fs", "format", required=False, label="format (fixe, itinérant...)"),
        ),
        # Read by the vintages' meanings (itinerance, categorie: columns of one vintage each, kept in raw as
        # published): what each vintage says of the site's type and of its itinerance.
        derived=("site_type", "itinerant"),
        vintages=(
            Vintage("2021 (GeoJSON)", signature=("lib_france_services",), meanings=(
                Meaning("categorie", {
                    "fs": {"site_type": "Principal", "itinerant": "non"},
                    "fsitinerante": {"site_type": "Principal", "itinerant": "oui"},
                    "antenne": {"site_type": "Antenne", "itinerant": "non"},
                    "antenneitinerante": {"site_type": "Antenne", "itinerant": "oui"},
                }, NO_CATEGORY),
            )),
            Vintage("2022 (CSV)", signature=("id_fs", "itinerance"), meanings=(
                Meaning("format_fs", {"siteprincipal": {"site_type": "Principal"},
                                      "antenne": {"site_type": "Antenne"}}, NO_TYPE),
                Meaning("itinerance", {"oui": {"itinerant": "oui"}, "non": {"itinerant": "non"},
                                       "": {"itinerant": "non"}}, NO_ROAMING),
            )),
            Vintage("2024 (CSV)", signature=("id_fs",), meanings=(
                Meaning("type_fs", {"principal": {"site_type": "Principal"},
                                    "antenne": {"site_type": "Antenne"}}, NO_TYPE),
                Meaning("format_fs", {"fixe": {"itinerant": "non"}, "multisites": {"itinerant": "non"},
                                      "fixeantennes": {"itinerant": "non"}, "fixeantenne": {"itinerant": "non"},
                                      "itinerante": {"itinerant": "oui"}, "itinerant": {"itinerant": "oui"},
                                      "busequivalent": {"itinerant": "oui"}, "bus": {"itinerant": "oui"}},
                        NO_ROAMING),
            )),
        ),
        departement="insee_dep",
        key=("id_fs",),
        coordinates=("latitude", "longitude"),
        # Free-text fields (address, comment, opening hours) hold line breaks: 16 lines for one record of the
        # 2024 file. A record spanning more is a stray quote.
        max_record_lines=40,
        # A monthly list does not lose a tenth of its sites from one snapshot to the next: a file that does
        # is taken for a cut file.
        max_row_drop=0.1,
    ),
)
