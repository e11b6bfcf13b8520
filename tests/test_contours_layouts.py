"""Contour files of other publishers and vintages, in small files written in their real layout and loaded
through fetch -> snapshot -> ``ingest.contours.load`` (the ``admin_contours`` source), with the damaged copies
a team may drop:

- github.com/gregoiredavid/france-geojson, ``departements/01-ain/departement-01-ain.geojson`` (commit
  07449d8bcbeaae0ae9558a83a9e6708ac87846ed): a single ``Feature`` (no FeatureCollection), file name in the
  singular, properties ``code``/``nom``.
- Etalab « contours administratifs », github.com/datagouv/contours-administratifs: ``lib/build.js`` (commit
  02a7be871e9911f6a65a18eb961a54c3bfaeabfb) writes ``communes-<n>m.geojson``, ``epci-<n>m.geojson``,
  ``departements-<n>m.geojson``, ``regions-<n>m.geojson``; its README (commit
  1eb73467abc07036f2ba68f8dc027f1c87b266d9) lists the properties: communes ``code, nom, departement, region,
  epci, plm, commune`` (the communes file holds the arrondissements municipaux too, ``commune`` = their
  commune), EPCI ``code, nom`` (the SIREN), départements ``code, nom, region``, and
  ``communes-associees-deleguees-<n>m.geojson`` (``code, nom, type, departement, region, epci``).
- IGN Admin Express converted to GeoJSON: layer files ``COMMUNE``, ``ARRONDISSEMENT_MUNICIPAL`` (github.com/
  datagouv/api-geo, ``generate-mairie.sh``, commit 8226a638a5ab2a17006ae6d9ee276f79f7ff734a: ``ogr2ogr -f GeoJSON
  ... COMMUNE.shp``, fields ``INSEE_COM``, ``INSEE_ARM``); the properties of a COMMUNE feature as read in
  github.com/EnzoVenon/Gemini_numeriques ``info_couche.js`` (``ID``, ``NOM``, ``INSEE_COM``, ``INSEE_DEP``,
  ``INSEE_REG``, ``SIREN_EPCI``, ``POPULATION``...). Admin Express is published in Lambert-93 (``LAMB93``) as
  well as in WGS84 (``WGS84G``): a Lambert-93 file is refused, never drawn off the map.
- OpenDataSoft ``georef-france-commune`` GeoJSON export: ``com_code``, ``com_name``, ``dep_code``, ``reg_code``,
  ``epci_code``... (a record of Tarbes quoted in a public script found with the code search, without its
  repository: ``"com_code": "65440"``, ``"com_name": "Tarbes"``); the v2 exports write values as one-element
  lists (``["01001"]``): a public Dagster asset reading georef IRIS exports unwraps them (``val[0]``). No
  repository of the index stores an export itself: the lists here follow those two readings.
"""

from __future__ import annotations

import gzip
import json
import sqlite3
from pathlib import Path

import duckdb
import pytest

from ingest.contours import load
from ingest.errors import ContractError
from ingest.fetch import fetch

SQUARE = {"type": "Polygon", "coordinates": [[[4.78, 46.17], [5.0, 46.17], [5.0, 46.3], [4.78, 46.17]]]}


def feature(props: dict, geometry: dict | None = SQUARE) -> dict:
    return {"type": "Feature", "properties": props, "geometry": geometry}


def collection(features: list, crs: str | None = None) -> str:
    data: dict = {"type": "FeatureCollection"}
    if crs:
        data["crs"] = {"type": "name", "properties": {"name": crs}}
    data["features"] = features
    return json.dumps(data, ensure_ascii=False)


def run(tmp_path: Path, files: dict[str, str | bytes]):
    con = duckdb.connect()
    snaps = []
    for name, content in files.items():
        path = tmp_path / name
        if isinstance(content, str):
            content = content.encode("utf-8")
        path.write_bytes(content)
        snaps.append(fetch("admin_contours", str(path), tmp_path / "snapshots"))
    res = load(con, snaps)
    for f in res.files:
        assert f.rows_read == f.rows_loaded + f.rows_rejected
    rows = con.execute("select level, code, nom, _file from raw.admin_contours order by _file, _row").fetchall()
    rejects = [r[0] for r in con.execute("select reason from raw.admin_contours_rejects order by _file, _row")
               .fetchall()]
    return res, rows, rejects


def test_france_geojson_single_feature_of_a_departement(tmp_path):
    # The file is one Feature, as france-geojson writes the outline of one département.
    res, rows, rejects = run(tmp_path, {"departement-01-ain.geojson": json.dumps(feature({"code": "01", "nom": "Ain"}))})
    assert rows == [("departement", "01", "Ain", "departement-01-ain.geojson")] and rejects == []
    assert res.files[0].vintage == "france-geojson / Etalab (code, nom)"


def test_etalab_contours_levels_arrondissements_and_delegated_communes(tmp_path):
    communes = collection([
        feature({"code": "01001", "nom": "L'Abergement-Clémenciat", "departement": "01", "region": "84",
                 "epci": "200069193", "plm": False, "commune": None}),
        feature({"code": "2A004", "nom": "Ajaccio", "departement": "2A", "region": "94", "epci": "242010056",
                 "plm": False}),
        feature({"code": "75056", "nom": "Paris", "departement": "75", "region": "11", "epci": "200054781",
                 "plm": True}),
        feature({"code": "75101", "nom": "Paris 1er Arrondissement", "departement": "75", "region": "11",
                 "epci": "200054781", "plm": False, "commune": "75056"}),
        feature({"code": "01002", "nom": "L'Abergement-de-Varey", "departement": "01", "region": "84"}, None),
    ])
    res, rows, rejects = run(tmp_path, {
        "communes-100m.geojson": communes,
        "epci-100m.geojson": collection([feature({"code": "200069193", "nom": "CC de la Dombes"})]),
        "departements-100m.geojson": collection([feature({"code": "2A", "nom": "Corse-du-Sud", "region": "94"})]),
        "communes-associees-deleguees-100m.geojson": collection([
            feature({"code": "01015", "nom": "Arbignieu", "type": "commune-deleguee", "departement": "01",
                     "region": "84", "epci": "200040350"})]),
    })
    assert rows == [
        ("commune", "01001", "L'Abergement-Clémenciat", "communes-100m.geojson"),
        ("commune", "2A004", "Ajaccio", "communes-100m.geojson"),
        ("commune", "75056", "Paris", "communes-100m.geojson"),
        # an arrondissement municipal is kept under its level, never taken for a commune of the COG
        ("arrondissement_municipal", "75101", "Paris 1er Arrondissement", "communes-100m.geojson"),
        ("commune_deleguee", "01015", "Arbignieu", "communes-associees-deleguees-100m.geojson"),
        ("departement", "2A", "Corse-du-Sud", "departements-100m.geojson"),
        ("epci", "200069193", "CC de la Dombes", "epci-100m.geojson")]
    assert rejects == ["communes-100m.geojson, entité 5 : géométrie absente (null) : un polygone (Polygon ou "
                       "MultiPolygon) est attendu"]
    assert sum(f.rows_read for f in res.files) == 8


def test_ign_admin_express_geojson_layers(tmp_path):
    commune = {"ID": "COMMUNE_0000000009754332", "NOM": "Périgueux", "NOM_M": "PERIGUEUX", "INSEE_COM": "24322",
               "STATUT": "Préfecture de département", "POPULATION": 29896, "INSEE_CAN": "10", "INSEE_ARR": "3",
               "INSEE_DEP": "24", "INSEE_REG": "75", "SIREN_EPCI": "200040392"}
    corse = dict(commune, ID="COMMUNE_0000000009763236", NOM="Bastia", NOM_M="BASTIA", INSEE_COM="2B033",
                 INSEE_DEP="2B", INSEE_REG="94", SIREN_EPCI="242020071")
    res, rows, rejects = run(tmp_path, {
        "COMMUNE.geojson": collection([feature(commune), feature(corse)], crs="urn:ogc:def:crs:OGC:1.3:CRS84"),
        "ARRONDISSEMENT_MUNICIPAL.geojson": collection([feature({
            "ID": "ARR_MUNI0000000009736048", "NOM": "Lyon 1er Arrondissement", "NOM_M": "LYON 1ER ARRONDISSEMENT",
            "INSEE_ARM": "69381", "INSEE_COM": "69123", "POPULATION": 29678})], crs="EPSG:4326"),
        "REGION.geojson": collection([feature({"ID": "REGION_FXX_0000000000001", "NOM": "Corse", "NOM_M": "CORSE",
                                               "INSEE_REG": "94"})]),
    })
    assert rows == [("arrondissement_municipal", "69381", "Lyon 1er Arrondissement", "ARRONDISSEMENT_MUNICIPAL.geojson"),
                    ("commune", "24322", "Périgueux", "COMMUNE.geojson"),
                    ("commune", "2B033", "Bastia", "COMMUNE.geojson"),
                    ("region", "94", "Corse", "REGION.geojson")]
    assert rejects == [] and {f.vintage for f in res.files} == {"IGN Admin Express (GeoJSON)"}


def test_opendatasoft_georef_lists(tmp_path):
    res, rows, rejects = run(tmp_path, {"georef-france-commune.geojson": collection([
        feature({"year": "2023", "reg_code": ["84"], "reg_name": ["Auvergne-Rhône-Alpes"], "dep_code": ["01"],
                 "dep_name": ["Ain"], "com_code": ["01001"], "com_name": ["L'Abergement-Clémenciat"]}),
        feature({"year": "2023", "reg_code": "94", "dep_code": "2A", "com_code": "2A004", "com_name": "Ajaccio"}),
        feature({"year": "2023", "com_code": ["01001", "01002"], "com_name": ["A", "B"]}),
    ])})
    assert rows == [("commune", "01001", "L'Abergement-Clémenciat", "georef-france-commune.geojson"),
                    ("commune", "2A004", "Ajaccio", "georef-france-commune.geojson")]
    assert rejects == ["georef-france-commune.geojson, entité 3 : propriété « com_code » : plusieurs valeurs "
                       "(01001, 01002)"]
    assert res.files[0].vintage == "OpenDataSoft georef-france"


def test_gzip_edition_is_read(tmp_path):
    text = collection([feature({"code": "84", "nom": "Auvergne-Rhône-Alpes"})])
    _, rows, _ = run(tmp_path, {"regions-100m.geojson.gz": gzip.compress(text.encode())})
    assert rows == [("region", "84", "Auvergne-Rhône-Alpes", "regions-100m.geojson.gz")]


L93 = {"type": "Polygon", "coordinates": [[[870000.1, 6560000.2], [871000, 6560000], [871000, 6561000],
                                           [870000.1, 6560000.2]]]}


@pytest.mark.parametrize("name, content, expected", [
    ("COMMUNE.geojson", collection([feature({"INSEE_COM": "01001", "NOM": "X"}, L93)],
                                   crs="urn:ogc:def:crs:EPSG::2154"),
     "« urn:ogc:def:crs:EPSG::2154 » (Lambert-93) : le produit attend des longitudes et latitudes en degrés"),
    ("communes-l93.geojson", collection([feature({"code": "01001", "nom": "X"}, L93)]),
     "entité 1 (01001) : coordonnées (870000.1, 6560000.2) qui ne sont pas des longitudes et latitudes"),
    ("communes-100m.geojson", collection([feature({"code": "01001", "nom": "A"})] * 3)[:150],
     "s'arrête avant sa fin (JSON incomplet, ligne 1, colonne"),
    ("communes.shp", b"\x00\x00\x27\x0a" + b"\x00" * 96, "couche Shapefile"),
    ("ADMIN-EXPRESS-COG_3-1__SHP__FRA_2022-04-15.7z", b"7z\xbc\xaf\x27\x1c\x00\x04" + b"\x00" * 50,
     "archive 7-Zip"),
    ("communes-54.geojson", b'{"type": "FeatureCollection", "features": [{"properties": {"nom": "Nancy \xe9"}}]}',
     "pas du texte UTF-8 (octet 74, ligne 1)"),
    ("communes-54.geojson", "[1, 2]", "pas une collection d'entités GeoJSON"),
    ("CANTON.geojson", collection([feature({"ID": "CANTON_1", "INSEE_CAN": "05", "INSEE_DEP": "07"})]),
     "aucune propriété de la première entité ne donne le code d'un contour de canton"),
    ("limites.geojson", collection([feature({"code": "01001"})]), "doit commencer par le niveau"),
])
def test_files_refused_whole_in_french(tmp_path, name, content, expected):
    with pytest.raises(ContractError) as err:
        run(tmp_path, {name: content})
    assert expected in str(err.value) and name in str(err.value)


def test_geopackage_refused_with_what_to_take(tmp_path):
    path = tmp_path / "ADMIN-EXPRESS-COG.gpkg"
    db = sqlite3.connect(path)
    db.execute("create table commune (id integer)")
    db.commit()
    db.close()
    with pytest.raises(ContractError) as err:
        load(duckdb.connect(), [fetch("admin_contours", str(path), tmp_path / "snapshots")])
    message = str(err.value)
    assert "GeoPackage" in message and "communes-100m.geojson" in message and "-t_srs EPSG:4326" in message
