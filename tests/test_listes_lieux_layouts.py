"""Real lists of places read through the mapping an observatory team would write (source listes_lieux,
ingest/listes_lieux.py, docs/sources.md « Lists of places »), in small files written in each real layout,
loaded through fetch -> snapshot -> load_source -> the source's loader. read = loaded + rejected in every test.

Layouts (the files are public; a few of their rows, or rows written in their layout, are used here):

- Occitanie network's list of coworkings and télécentres: github.com/JGoillot/rails-tierslieuxOccitanie,
  app/assets/database.csv, commit 8f5cea777d49ed7c578eba5b6f34bbe4e5e67bfc. No header, ``,``, eight columns
  (name, address, postcode, commune, website, e-mail, contact, phone), a postcode that lost its zero
  (``9500`` Mirepoix, Ariège), quoted names with doubled quotes, CEDEX postcodes (``34935`` Montpellier),
  communes written « Saint Affrique » / « Saint-chély d'Apcher », and **no line end after the last line**.
- Nouvelle-Aquitaine's tiers-lieux database (Coopérative Tiers-Lieux with the Région): github.com/Carto-NA/
  tiers_lieux, dictionnaire_donnees.md, commit 5726325328770fe78651ef218702267af720f545: columns id, siret,
  str_nom, categorie, typologie, adresse, code_postal, numcom, nomcom, url_web, ..., x_wgs84 (longitude),
  y_wgs84 (latitude). Written here as a French spreadsheet saves it (``;``, decimal commas, cp1252).
- OpenDataSoft portals' CSV export: ``;`` (github.com/simonw/sqlite-utils issue 223: « CSV uses semicolon (;)
  as a separator »), a UTF-8 BOM, the point in one column ``geo_point_2d`` written « latitude, longitude »; the
  same column in their JSON exports is a list ``[lat, lon]`` (github.com/Fr93562/mentor-exercices,
  exercices-javascript/src/exercice3/data/stations.js, and github.com/qt-Dashboard/fe,
  src/assets/JS/map/geojson-data.js: ``"wgs84": [49.02271525462455, 1.150775211422635]``), or
  ``{"lon": .., "lat": ..}`` in the v2.1 exports.
- OpenStreetMap extract of coworking spaces exported by overpass-turbo (GeoJSON): ``"generator":
  "overpass-turbo"``, properties ``@id`` (``node/…``, ``way/…``), ``name``, ``addr:postcode``,
  ``addr:city``, a way as a Polygon (github.com/KillianKemps/DansLePetrin, data/fleuristes.js).
- ANCT's structures hosting conseillers numériques (../shared/data/anct_conseillers_numeriques/cnfs.json,
  github.com/anct-carto/conseillers-numeriques, data/cnfs.json, commit
  146bea3cb15c13114e6c7451efcf3bf2f634d1bd): a minified JSON array (every object on line 1), ``code_postal``
  an integer (``1100``), ``commune_insee`` a commune *name*; the whole file when present.

Damage and mistakes checked: a list without line end after its last line (refused whole, the message shows
the line and says what to do), the same row twice, coordinates in one column, decimal commas, inverted
coordinates, a headerless mapping read on a file with a header, a mapping naming a column the file lacks, a
mapping with a typo in a key; a refused file is named by its location, not by its archived copy.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from ingest.errors import ContractError
from ingest.fetch import fetch
from ingest.load import load_source

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"


def load_list(tmp_path: Path, name: str, content: bytes, mapping: str, con=None):
    """Write the list and its mapping (``<stem>.toml`` beside it) and load it as a deployment would."""
    folder = tmp_path / "listes"
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_bytes(content)
    path.with_suffix(".toml").write_text(mapping, encoding="utf-8")
    con = con or duckdb.connect()
    res = load_source(con, "listes_lieux", [fetch("listes_lieux", str(path), tmp_path / "snapshots")])
    assert res.rows_read == res.rows_loaded + res.rows_rejected
    return con, res


def rejects(con) -> list[str]:
    return [r[0] for r in con.execute("select reason from raw.listes_lieux_rejects order by _row").fetchall()]


# ------------------------------------------------------------------------------------ Occitanie, headerless

OCCITANIE_ROWS = (
    "Espace de Coworking Chez Woomeet,31 Bis Cours du Jeu du Mail,9500,Mirepoix,,contact@woomeet.com,"
    "Eric Fourcaud,\n"
    "La Terrasse,,12400,Saint Affrique,www.laterrasse-teletravail.fr,laterrasse@cc-saintaffricain.fr,,565975392\n"
    '"Espace Auterive Initiative ""Firmin Pons""",780 Route d\'Espagne,31190,Auterive,'
    "http://www.auterive31.fr/votre-mairie/services-municipaux/coworking/,initiatives@auterive-ville.fr,"
    "Sylvie Dos Santos,972554612\n"
    "Le relais SML,25 Route du Littoral,34380,Saint-Martin-de-Londres,http://www.lerelais-sml.net/fr,"
    "lerelaisSML@gmail.com,,\n"
    "BAYA AXESS montpellier,418 rue du Mas de Verchant,34935,Montpellier,"
    "http://www.baya-axess.com/centres-affaires/montpellier-millenaire-12.html,montpellier@baya-axess.com,,\n"
    'Pépinière du Grand Montauban,"35, avenue du Danemark",82003,Montauban,http://www.grandmontauban.com,'
    "gaguade@ville-montauban.fr,,"
)
OCCITANIE_MAPPING = """name = "Tiers-lieux d'Occitanie (réseau)"
date = "2016"
header = false

[columns]
nom_lieu = 1
adresse = 2
code_postal = 3
commune = 4
site_web = 5
email = 6
"""


def test_occitanie_list_without_last_line_end_loads_and_says_to_check_its_last_line(tmp_path):
    """As published, the last line has no line end (RFC 4180 allows it; spreadsheet and online-table exports
    often write none). A list the team drops in is read whole (refusing it made every such export unusable);
    the file's warning shows the last line, which a transfer cut there would have left incomplete. The
    publishers' own files (INSEE, ANCT...) stay refused in that case (tests/test_damaged_files.py)."""
    con, res = load_list(tmp_path, "tiers-lieux-occitanie.csv", OCCITANIE_ROWS.encode(), OCCITANIE_MAPPING)
    assert (res.rows_read, res.rows_loaded, res.rows_rejected) == (6, 6, 0)
    [warning] = [w for w in res.files[0].warnings if "sans fin de ligne" in w]
    assert warning.startswith("dernier enregistrement (ligne 6) sans fin de ligne : lu, comme le permet le format CSV")
    assert "vérifiez-la" in warning and "gaguade@ville-montauban.fr,," in warning
    assert con.execute("select nom_lieu from raw.listes_lieux order by _row desc limit 1").fetchone()[0] == \
        OCCITANIE_ROWS.splitlines()[-1].split(",")[0].strip('"')


def test_occitanie_list_loads_once_its_last_line_is_ended(tmp_path):
    con, res = load_list(tmp_path, "tiers-lieux-occitanie.csv", (OCCITANIE_ROWS + "\n").encode(),
                         OCCITANIE_MAPPING)
    assert (res.rows_read, res.rows_loaded, res.rows_rejected) == (6, 6, 0)
    assert res.files[0].separator == ","
    rows = con.execute("select nom_lieu, code_postal, commune, site_web from raw.listes_lieux order by _row").fetchall()
    assert rows[0] == ("Espace de Coworking Chez Woomeet", "09500", "Mirepoix", None)
    assert rows[2][0] == 'Espace Auterive Initiative "Firmin Pons"'
    assert [r[1] for r in rows] == ["09500", "12400", "31190", "34380", "34935", "82003"]   # CEDEX kept as published
    assert con.execute("select line, original_value, retained_value from raw._field_report "
                       "where retained_value is not null").fetchall() == [(1, "9500", "09500")]


def test_headerless_mapping_on_a_file_with_a_header_is_refused(tmp_path):
    """The team wrote header = false for a file that has a header line: the header would be a place named
    « nom ». Refused whole, naming the words read where codes were expected."""
    content = "nom,adresse,cp,ville,web,mail,contact,tel\n" + OCCITANIE_ROWS + "\n"
    with pytest.raises(ContractError) as exc:
        load_list(tmp_path, "tiers-lieux-occitanie.csv", content.encode(), OCCITANIE_MAPPING)
    msg = str(exc.value)
    assert "header = false" in msg and "« cp » (champ code_postal)" in msg and "Mettez header = true" in msg


# ------------------------------------------------------------------------------------ Nouvelle-Aquitaine

NA_HEADER = ("id;siret;str_nom;categorie;typologie;adresse;code_postal;numcom;nomcom;url_web;facebook;twitter;"
             "instagram;ct_nom;ct_prenom;ct_courriel;ct_tel_fixe;ct_tel_mobile;x_wgs84;y_wgs84")
NA_MAPPING = """name = "Tiers-lieux de Nouvelle-Aquitaine (Coopérative Tiers-Lieux)"
date = "2022-11"

[columns]
identifiant = "id"
siret = "siret"
nom_lieu = "str_nom"
type_lieu = "typologie"
adresse = "adresse"
code_postal = "code_postal"
code_commune = "numcom"
commune = "nomcom"
site_web = "url_web"
longitude = "x_wgs84"
latitude = "y_wgs84"
"""


def na_row(id_, name, cp, com, town, x, y, siret=""):
    return (f"{id_};{siret};{name};Tiers-lieu;Coworking;1 place de la Mairie;{cp};{com};{town};;;;;;;;;;"
            f"{x};{y}")


def test_nouvelle_aquitaine_spreadsheet_decimal_commas_inverted_and_duplicates(tmp_path):
    rows = [
        na_row("1", "La Quincaillerie", "23000", "23096", "Guéret", "1,8719", "46,1712", "200 042 935 00011"),
        na_row("2", "Le Campus", "87000", "87085", "Limoges", "45,8336", "1,2611"),      # x and y inverted
        na_row("1", "La Quincaillerie bis", "23000", "23096", "Guéret", "1,87", "46,17"),  # id of row 1
        na_row("3", "Tiers-lieu de Saint-Martin", "", "", "Saint-Martin", "", ""),       # a name of 40+ communes
    ]
    content = ("\r\n".join([NA_HEADER, *rows]) + "\r\n").encode("cp1252")
    con, res = load_list(tmp_path, "tiers-lieux-na.csv", content, NA_MAPPING)
    assert (res.rows_read, res.rows_loaded, res.rows_rejected) == (4, 2, 2)
    assert (res.files[0].encoding, res.files[0].separator) == ("cp1252", ";")
    assert con.execute("select identifiant, latitude, longitude, siret, code_commune, commune from raw.listes_lieux "
                       "order by _row").fetchall() == [
        ("1", "46,1712", "1,8719", "20004293500011", "23096", "Guéret"),   # decimal commas read by staging
        ("3", None, None, None, None, "Saint-Martin"),                     # kept; placement says why not placed
    ]
    reasons = rejects(con)
    assert reasons[0].startswith("tiers-lieux-na.csv, ligne 3 : colonnes « y_wgs84 » / « x_wgs84 » : latitude "
                                 "1,2611 et longitude 45,8336 hors de France")
    assert reasons[1] == ("tiers-lieux-na.csv, ligne 4 : doublon : même identifiant « 1 » que tiers-lieux-na.csv "
                          "ligne 2 dans la liste « Tiers-lieux de Nouvelle-Aquitaine (Coopérative Tiers-Lieux) »")


def test_mapping_naming_a_column_the_file_lacks_is_refused_naming_both(tmp_path):
    mapping = NA_MAPPING.replace('commune = "nomcom"', 'commune = "libcom"')
    content = ("\r\n".join([NA_HEADER, na_row("1", "Lieu", "23000", "23096", "Guéret", "1,87", "46,17")])
               + "\r\n").encode("cp1252")
    with pytest.raises(ContractError) as exc:
        load_list(tmp_path, "tiers-lieux-na.csv", content, mapping)
    msg = str(exc.value)
    assert "tiers-lieux-na.csv ne correspond pas à sa correspondance tiers-lieux-na.toml" in msg
    assert "la colonne « libcom » (nom de la commune, champ commune) est absente de la ligne d'en-tête" in msg
    assert "snapshots" not in msg


@pytest.mark.parametrize("typo, expected", [
    ('headr = false\n', "clé « headr » inconnue (voulez-vous dire « header » ?)"),
    ('file = ["tiers-lieux-na.csv"]\n', "clé « file » inconnue (voulez-vous dire « files » ?)"),
    ('[statut]\nouvert = ["ouvert"]\n', "clé « statut » inconnue (voulez-vous dire « status » ?)"),
    ('[status]\n"fermé" = ["fermé"]\n', "statut « fermé » inconnu dans [status] (voulez-vous dire « ferme » ?)"),
])
def test_mapping_with_a_typo_in_a_key_is_refused_with_the_nearest_key(tmp_path, typo, expected):
    """A misspelt key used to be ignored: `headr = false` read the list by header, `[statut]` left every
    status « non renseigné ». Now the mapping is refused, naming the key and the one meant."""
    content = ("\r\n".join([NA_HEADER, na_row("1", "Lieu", "23000", "23096", "Guéret", "1,87", "46,17")])
               + "\r\n").encode("cp1252")
    with pytest.raises(ContractError) as exc:
        # a key before the tables is a top-level key; a table after [columns] is a table of its own
        mapping = NA_MAPPING + typo if typo.startswith("[") else typo + NA_MAPPING
        load_list(tmp_path, "tiers-lieux-na.csv", content, mapping)
    assert f"correspondance tiers-lieux-na.toml : {expected}" in str(exc.value)


def test_unknown_column_field_suggests_the_field(tmp_path):
    content = ("\r\n".join([NA_HEADER, na_row("1", "Lieu", "23000", "23096", "Guéret", "1,87", "46,17")])
               + "\r\n").encode("cp1252")
    with pytest.raises(ContractError) as exc:
        load_list(tmp_path, "tiers-lieux-na.csv", content, NA_MAPPING.replace("code_postal =", "codepostal ="))
    assert "champ « codepostal » inconnu dans [columns] (voulez-vous dire « code_postal » ?)" in str(exc.value)


# ------------------------------------------------------------------------------------ OpenDataSoft exports

ODS_MAPPING = """name = "Tiers-lieux (portail OpenDataSoft)"
date = "2024-05"

[columns]
identifiant = "Identifiant"
nom_lieu = "Nom du lieu"
code_postal = "Code postal"
commune = "Commune"
code_commune = "Code INSEE"
coordonnees = "geo_point_2d"
"""


def test_opendatasoft_csv_export_geo_point_2d_bom_semicolon(tmp_path):
    content = ("\ufeffIdentifiant;Nom du lieu;Code postal;Commune;Code INSEE;geo_point_2d;Typologie\r\n"
               "1;La Quincaillerie;23000;Guéret;23096;46.1712, 1.8719;Tiers-lieu\r\n"
               "2;Le Lab;1000;Bourg-en-Bresse;1053;46.2051,5.2255;Fablab\r\n"
               "3;Sans coordonnées;87000;Limoges;87085;;Coworking\r\n"
               "4;Mal saisi;87000;Limoges;87085;46.2051;Coworking\r\n"
               "5;Inversé;87000;Limoges;87085;1.2611, 45.8336;Coworking\r\n").encode("utf-8")
    con, res = load_list(tmp_path, "tiers-lieux-ods.csv", content, ODS_MAPPING)
    assert (res.rows_read, res.rows_loaded, res.rows_rejected) == (5, 3, 2)
    assert (res.files[0].encoding, res.files[0].separator) == ("utf-8-sig", ";")
    assert con.execute("select identifiant, code_postal, code_commune, latitude, longitude from raw.listes_lieux "
                       "order by _row").fetchall() == [
        ("1", "23000", "23096", "46.1712", "1.8719"),
        ("2", "01000", "01053", "46.2051", "5.2255"),
        ("3", "87000", "87085", None, None),
    ]
    reasons = rejects(con)
    assert reasons[0] == ("tiers-lieux-ods.csv, ligne 5 : geo_point_2d (coordonnées « latitude, longitude » dans une "
                          "seule colonne) : valeur « 46.2051 » qui n'est pas une paire de nombres « latitude, "
                          "longitude » (ex. « 45.1, 3.2 »)")
    assert "colonnes « geo_point_2d » / « geo_point_2d » : latitude 1.2611 et longitude 45.8336" in reasons[1]


def test_opendatasoft_json_exports_list_and_object_points(tmp_path):
    records = [
        {"identifiant": "A", "nom": "Micro-Folie de Guéret", "code_postal": "23000", "geo_point_2d": [46.1712, 1.8719]},
        {"identifiant": "B", "nom": "Micro-Folie de Limoges", "code_postal": "87000",
         "geo_point_2d": {"lon": 1.2611, "lat": 45.8336}},
    ]
    mapping = ('name = "Micro-Folies"\ndate = "2024"\n[columns]\nidentifiant = "identifiant"\nnom_lieu = "nom"\n'
               'code_postal = "code_postal"\ncoordonnees = "geo_point_2d"\n')
    con, res = load_list(tmp_path, "micro-folies.json", json.dumps(records).encode(), mapping)
    assert (res.rows_loaded, res.rows_rejected) == (2, 0)
    assert con.execute("select identifiant, latitude, longitude from raw.listes_lieux order by _row").fetchall() == [
        ("A", "46.1712", "1.8719"), ("B", "45.8336", "1.2611")]


def test_coordinates_in_one_column_and_in_two_is_refused(tmp_path):
    with pytest.raises(ContractError) as exc:
        load_list(tmp_path, "tiers-lieux-ods.csv", b"Nom du lieu;geo_point_2d;lat\r\nA;46.1, 1.8;46.1\r\n",
                  'name = "x"\ndate = "2024"\n[columns]\nnom_lieu = "Nom du lieu"\ncoordonnees = "geo_point_2d"\n'
                  'latitude = "lat"\nlongitude = "lat"\n')
    assert "à la fois coordonnees" in str(exc.value)


# ------------------------------------------------------------------------------------ OpenStreetMap, GeoJSON

OSM = """{
  "type": "FeatureCollection",
  "generator": "overpass-turbo",
  "copyright": "The data included in this document is from www.openstreetmap.org. The data is made available under ODbL.",
  "timestamp": "2024-02-13T12:08:50Z",
  "features": [
    {
      "type": "Feature",
      "properties": {"@id": "node/4242", "amenity": "coworking_space", "name": "La Cordée", "addr:postcode": "69001",
                     "addr:city": "Lyon"},
      "geometry": {"type": "Point", "coordinates": [4.8320, 45.7676]},
      "id": "node/4242"
    },
    {
      "type": "Feature",
      "properties": {"@id": "way/54180048", "office": "coworking", "name": "Le Square"},
      "geometry": {"type": "Polygon", "coordinates": [[[2.3249589, 48.8698259], [2.3250455, 48.8699435],
                                                       [2.3249992, 48.8699578], [2.3249589, 48.8698259]]]},
      "id": "way/54180048"
    },
    {
      "type": "Feature",
      "properties": {"@id": "node/4343", "amenity": "coworking_space"},
      "geometry": {"type": "Point", "coordinates": [4.83, 45.76]},
      "id": "node/4343"
    }
  ]
}
"""
OSM_MAPPING = """name = "Coworkings d'OpenStreetMap"
date = "2024-02-13"

[columns]
identifiant = "@id"
nom_lieu = "name"
code_postal = "addr:postcode"
commune = "addr:city"
latitude = "latitude"      # the geometry's point (a way: the mean of its vertices)
longitude = "longitude"
"""


def test_overpass_geojson_extract(tmp_path):
    con, res = load_list(tmp_path, "coworkings-osm.geojson", OSM.encode(), OSM_MAPPING)
    assert (res.rows_read, res.rows_loaded, res.rows_rejected) == (3, 2, 1)
    rows = con.execute("select identifiant, nom_lieu, code_postal, latitude, longitude from raw.listes_lieux "
                       "order by _row").fetchall()
    assert rows[0] == ("node/4242", "La Cordée", "69001", "45.7676", "4.8320")
    assert rows[1][:3] == ("way/54180048", "Le Square", None) and rows[1][3].startswith("48.8698")
    # a feature is named by its number and its line (a minified GeoJSON is one line)
    assert rejects(con) == ["coworkings-osm.geojson, élément n° 3 (ligne 21) : name (nom du lieu) : valeur manquante"]


# ------------------------------------------------------------------------------------ duplicates

def test_the_same_row_twice_without_identifier_is_rejected(tmp_path):
    content = ("nom;cp;ville\r\nAtelier du Bourg;9100;Pamiers\r\nAtelier du Bourg;9100;Pamiers\r\n"
               "Atelier du Bourg;9120;Varilhes\r\n").encode()
    con, res = load_list(tmp_path, "tableur.csv", content,
                         'name = "Tableur local"\ndate = "2025"\n[columns]\nnom_lieu = "nom"\ncode_postal = "cp"\n'
                         'commune = "ville"\n')
    assert (res.rows_read, res.rows_loaded, res.rows_rejected) == (3, 2, 1)
    assert rejects(con) == ["tableur.csv, ligne 3 : doublon : mêmes valeurs dans toutes les colonnes lues que "
                            "tableur.csv ligne 2 (la même ligne deux fois) dans la liste « Tableur local »"]


# ------------------------------------------------------------------------------------ ANCT, real file

@pytest.mark.skipif(not (SHARED / "anct_conseillers_numeriques" / "cnfs.json").exists(),
                    reason="../shared/data absent")
def test_conseillers_numeriques_structures_real_file(tmp_path):
    mapping = """name = "Structures accueillant des conseillers numériques (ANCT)"
date = "2022-06"

[columns]
identifiant = "id"
nom_lieu = "raison_sociale"
adresse = "adresse"
code_postal = "code_postal"
code_commune = "insee_com"
commune = "commune_insee"   # a commune name despite its column name
latitude = "latitude"
longitude = "longitude"
siret = "siret"
type_lieu = "type"
"""
    content = (SHARED / "anct_conseillers_numeriques" / "cnfs.json").read_bytes()
    con, res = load_list(tmp_path, "cnfs.json", content, mapping)
    assert (res.rows_read, res.rows_loaded, res.rows_rejected) == (1450, 1450, 0)
    assert con.execute("select count(*) from raw._field_report where rule like 'code postal de 4 chiffres%'"
                       ).fetchone() == (112,)
    assert con.execute("select code_postal, code_commune, commune from raw.listes_lieux where identifiant = '1'"
                       ).fetchone() == ("01100", "01283", "Oyonnax")
