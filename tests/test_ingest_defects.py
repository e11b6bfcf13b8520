"""Defects seen in the real publications, reproduced in small files written by each test and loaded
through fetch -> snapshot -> reader -> contract -> raw. Decisions (docs/sources.md):

- ``0`` published for "unknown" (2019 inventory CP / INSEECOM): kept as published, staging turns it into null.
- Leading zeros lost by a spreadsheet: postal codes (``1100``) are accepted everywhere and padded in
  staging; a 4-digit INSEE code (``1001``) is accepted only in the sources known to publish it so
  (2019 inventory, conseillers numériques) and padded by staging's ``commune_code``; elsewhere it is
  rejected with its reason (the format of those publications keeps the zero, so a 4-digit code there
  is a damaged file).
- Excel's scientific notation in an identifier (``1.23457E+13``): the digits are gone, the row is
  rejected with a French reason, never coerced.
- Latitude/longitude swapped: detected against the boxes of France (metropolitan lat 41-51.5, lon
  -5.8-10, and the overseas territories); the row is rejected (never swapped silently).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import duckdb
import openpyxl
import pytest

from ingest.errors import ContractError
from ingest.fetch import fetch
from ingest.load import load_source


def load(tmp_path: Path, source: str, files: dict[str, bytes], con=None):
    con = con or duckdb.connect()
    snaps = []
    for name, content in files.items():
        f = tmp_path / name
        f.write_bytes(content)
        snaps.append(fetch(source, str(f), tmp_path / "snapshots"))
    res = load_source(con, source, snaps)
    assert res.rows_read == res.rows_loaded + res.rows_rejected
    for f in res.files:
        assert f.rows_read == f.rows_loaded + f.rows_rejected
    return con, res


def rejects(con, source):
    return [r[0] for r in con.execute(f'select reason from raw."{source}_rejects" order by _file, _row').fetchall()]


TL_HEADER = "ID,NOM_TL,ADRESSE,CP,INSEECOM,NOMCOM,TYPO,LAT,LONG\n"


def test_zero_sentinels_are_kept_as_published(tmp_path):
    text = (TL_HEADER + "1,Lieu A,,0,0,,Tiers lieux à dominante coworking,46.2,5.2\n"
                        "2,Lieu B,,01000,01053,Bourg,,46.2,5.22\n").encode()
    con, res = load(tmp_path, "tierslieux_2019", {"tl.csv": text})
    assert (res.rows_loaded, res.rows_rejected) == (2, 0)
    assert con.execute("select CP, INSEECOM from raw.tierslieux_2019 order by _row").fetchall() == [
        ("0", "0"), ("01000", "01053")]


def test_lost_leading_zeros(tmp_path):
    # 2019 inventory: 4-digit codes accepted as published (staging pads them).
    text = (TL_HEADER + "1,Lieu A,,1100,1283,Oyonnax,,46.26,5.65\n").encode()
    con, res = load(tmp_path, "tierslieux_2019", {"tl.csv": text})
    assert res.rows_loaded == 1
    assert con.execute("select CP, INSEECOM from raw.tierslieux_2019").fetchone() == ("1100", "1283")
    # France Services: postal code 1100 accepted, INSEE code 1001 rejected with its reason.
    fs = ("id_fs,lib_fs,insee_com,code_postal,latitude,longitude\n"
          "1,FS Oyonnax,01283,1100,46.26,5.65\n"
          "2,FS Abergement,1001,01400,46.15,4.93\n").encode()
    con, res = load(tmp_path, "france_services", {"fs.csv": fs})
    assert (res.rows_loaded, res.rows_rejected) == (1, 1)
    assert con.execute("select insee_com, code_postal from raw.france_services").fetchone() == ("01283", "1100")
    assert rejects(con, "france_services") == [
        "fs.csv, ligne 3 : colonne « insee_com » (code commune INSEE) : valeur « 1001 » invalide"]


def test_excel_scientific_notation_in_identifiers_is_rejected_never_coerced(tmp_path):
    rows = [
        {"id": 1, "raison_sociale": "Structure A", "siret": "20004293500011", "code_postal": 1100},
        {"id": 2, "raison_sociale": "Structure B", "siret": "1.23457E+13", "code_postal": 1000},
        {"id": 3, "raison_sociale": "Structure C", "siret": 1.23457e13, "code_postal": 1000},
        {"id": 4, "raison_sociale": "Structure D", "siret": "null", "code_postal": 75001},
    ]
    con, res = load(tmp_path, "conseillers_numeriques", {"cnfs.json": json.dumps(rows).encode()})
    assert (res.rows_loaded, res.rows_rejected) == (2, 2)
    assert con.execute("select siret, code_postal from raw.conseillers_numeriques order by _row").fetchall() == [
        ("20004293500011", "1100"), ("null", "75001")]
    # json.dumps wrote the float 1.23457e13 as "12345700000000.0": not a SIRET either.
    assert rejects(con, "conseillers_numeriques") == [
        "cnfs.json, ligne 1 : colonne « siret » (SIRET) : valeur « 1.23457E+13 » en notation scientifique "
        "(identifiant abîmé par un tableur, chiffres perdus : non corrigé)",
        "cnfs.json, ligne 1 : colonne « siret » (SIRET) : valeur « 12345700000000.0 » invalide"]
    record = json.loads(con.execute("select record from raw.conseillers_numeriques_rejects where _row = 2"
                                    ).fetchone()[0])
    assert record["siret"] == "1.23457E+13"


def test_scientific_notation_in_a_json_number_keeps_its_text(tmp_path):
    text = b'[{"id": 3, "raison_sociale": "C", "siret": 1.23457E+13}]'
    con, res = load(tmp_path, "conseillers_numeriques", {"cnfs.json": text})
    assert res.rows_rejected == 1
    assert rejects(con, "conseillers_numeriques") == [
        "cnfs.json, ligne 1 : colonne « siret » (SIRET) : valeur « 1.23457E+13 » en notation scientifique "
        "(identifiant abîmé par un tableur, chiffres perdus : non corrigé)"]


def test_survey_siret_in_scientific_notation_is_rejected(tmp_path):
    text = ("annee;nom_lieu;siret;code_commune\n2024;La Fabrique;1,23457E+13;01053\n"
            "2024;Le Relais;12345678901234;01053\n").encode()
    con, res = load(tmp_path, "surveys", {"enquete.csv": text})
    # the surveys' own loader (ingest.surveys.importer): the answer is kept, its SIRET is not (never coerced
    # to 12345700000000), and the answers' report says why and what to do
    assert (res.rows_loaded, res.rows_rejected) == (2, 0)
    assert con.execute("select nom_lieu, siret from raw.surveys order by nom_lieu").fetchall() == [
        ("La Fabrique", None), ("Le Relais", "12345678901234")]
    assert con.execute("select valeur, probleme, action from raw.surveys_report where lieu = 'La Fabrique'").fetchall() \
        == [("1,23457E+13", "SIRET abîmé par le tableur (notation scientifique)", "SIRET ignoré : le ressaisir au format texte")]


def test_swapped_latitude_longitude_is_rejected(tmp_path):
    fs = ("id_fs,lib_fs,insee_com,latitude,longitude\n"
          "1,FS Bourg,01053,46.2,5.22\n"          # metropolitan, right
          "2,FS Bourg bis,01053,5.22,46.2\n"      # swapped
          "3,FS Basse-Terre,97105,15.99,-61.73\n" # Guadeloupe, right
          "4,FS Saint-Denis,97411,55.45,-20.88\n" # La Réunion, swapped
          "5,FS sans point,01053,,\n"             # no coordinates: kept
          "6,FS au large,01053,0,0\n").encode()   # outside France either way: not a swap, kept
    con, res = load(tmp_path, "france_services", {"fs.csv": fs})
    assert (res.rows_loaded, res.rows_rejected) == (4, 2)
    assert [r[0] for r in con.execute("select id_fs from raw.france_services order by _row").fetchall()] == [
        "1", "3", "5", "6"]
    assert rejects(con, "france_services") == [
        "fs.csv, ligne 3 : colonnes « latitude » / « longitude » : latitude 5.22 et longitude 46.2 hors de France, "
        "mais en France une fois inversées (latitude et longitude inversées ; non corrigé)",
        "fs.csv, ligne 5 : colonnes « latitude » / « longitude » : latitude 55.45 et longitude -20.88 hors de "
        "France, mais en France une fois inversées (latitude et longitude inversées ; non corrigé)"]


def test_embedded_newlines_keep_values_and_physical_lines(tmp_path):
    fs = ('"id_fs","lib_fs","adresse","insee_com","latitude","longitude"\n'
          '"1","FS A","5 rue des Papetiers\nBâtiment B","01033",46.1,5.8\n'
          '"2","FS B","1 place\r\nde la Mairie\n2e étage","01053",46.2,5.2\n'
          '"3","FS C","","01004",45.9,5.3\n').encode()
    con, res = load(tmp_path, "france_services", {"fs.csv": fs})
    assert res.rows_loaded == 3
    assert con.execute("select adresse, _row, _line from raw.france_services order by _row").fetchall() == [
        ("5 rue des Papetiers\nBâtiment B", 1, 2), ("1 place\r\nde la Mairie\n2e étage", 2, 4), (None, 3, 7)]


def test_bom_and_latin1_crlf_mobpro_with_extra_columns(tmp_path):
    """The MOBPRO_IDF2015.csv shape: latin-1, CRLF, EPT columns beside the flows."""
    text = ("CODGEO;LIBGEO;DCLT;L_DCLT;NBFLUX_C15_ACTOCC15P;DEPT_i;DEPT_j;EPT_i;LIBEPT_i;EPT_j;LIBEPT_j\r\n"
            "92012;Boulogne-Billancourt;75108;Paris 8e  Arrondissement;1520;92;75;T4;Paris Ouest La Défense;"
            "T1;Paris\r\n"
            "93066;Saint-Denis;93048;Montreuil;120;93;93;T6;Plaine Commune;T8;Est Ensemble\r\n").encode("latin-1")
    con, res = load(tmp_path, "mobpro_flows", {"MOBPRO_IDF2015.csv": text})
    assert res.files[0].encoding == "cp1252" and res.rows_loaded == 2
    assert con.execute("select L_DCLT, LIBEPT_i, census_year from raw.mobpro_flows where CODGEO = '92012'"
                       ).fetchone() == ("Paris 8e  Arrondissement", "Paris Ouest La Défense", "2015")
    bom = "\ufeffinsee_com,lib_com,niveau_densite\n01001,L'Abergement-Clémenciat,Rural à habitat dispersé\n"
    con, res = load(tmp_path, "grille_densite", {"densite.csv": bom.encode("utf-8")})
    assert res.files[0].encoding == "utf-8-sig"
    assert con.execute("select insee_com, niveau_densite from raw.grille_densite").fetchone() == (
        "01001", "Rural à habitat dispersé")


def test_foreign_workplace_codes(tmp_path):
    text = ("CODGEO;LIBGEO;DCLT;L_DCLT;NBFLUX_C21_ACTOCC15P\n"
            "01173;Gex;SU004;Genève;2510.4\n"
            "06088;Nice;MO001;Monaco;1802.2\n"
            "57463;Metz;AL00H;Grossposna;1\n"
            "57463;Metz;LU003;Luxembourg;950\n"
            "57463;Metz;X12;Ailleurs;1\n").encode()
    con, res = load(tmp_path, "mobpro_flows", {"flux.csv": text})
    assert (res.rows_loaded, res.rows_rejected) == (4, 1)
    assert [r[0] for r in con.execute("select DCLT from raw.mobpro_flows order by _row").fetchall()] == [
        "SU004", "MO001", "AL00H", "LU003"]
    assert rejects(con, "mobpro_flows") == [
        "flux.csv, ligne 6 : colonne « DCLT » (commune ou code étranger du lieu de travail) : valeur « X12 » invalide"]
    codes = b"AL000,LEIPZIG\nMO001,MONACO\nZZZZZ,Sans objet\n99999,Individu travaillant en France\n"
    con, res = load(tmp_path, "mobpro_foreign_codes", {"border.csv": codes})
    assert res.rows_loaded == 4
    assert con.execute("select code, name, _row, _line from raw.mobpro_foreign_codes where code = 'AL000'"
                       ).fetchone() == ("AL000", "LEIPZIG", 1, 1)


def test_duplicated_rows_are_rejected_with_the_first_occurrence(tmp_path):
    fs = ("id_fs,lib_fs,insee_com,latitude,longitude\n1,FS A,01033,46.1,5.8\n2,FS B,01053,46.2,5.2\n"
          "1,FS A,01033,46.1,5.8\n").encode()
    con, res = load(tmp_path, "france_services", {"fs.csv": fs})
    assert (res.rows_loaded, res.rows_rejected) == (2, 1)
    assert rejects(con, "france_services") == [
        "fs.csv, ligne 4 : doublon : même clé (id_fs = 1) que fs.csv ligne 2"]


def test_france_services_2021_geojson_and_2022_csv_vintages(tmp_path):
    """Column names other exports used (aliases) reach the same canonical columns. The published vintages, in
    their exact layouts, are tested in tests/test_france_services_vintages.py."""
    geo = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"id": 12, "nom": "France services de Gex", "code_insee": "01173",
                                           "type": "Principal"},
         "geometry": {"type": "Point", "coordinates": [6.0578, 46.3331]}},
        {"type": "Feature", "properties": {"id": 13, "nom": "France services itinérante", "code_insee": "01053",
                                           "type": "Antenne"},
         "geometry": {"type": "LineString", "coordinates": [[5.0, 46.0], [5.5, 46.5]]}},
    ]}
    con, res = load(tmp_path, "france_services", {"fs-2021.geojson": json.dumps(geo).encode()})
    assert res.rows_loaded == 2
    assert con.execute("select id_fs, lib_fs, insee_com, type_fs, longitude, latitude from raw.france_services "
                       "order by _row").fetchall() == [
        ("12", "France services de Gex", "01173", "Principal", "6.0578", "46.3331"),
        ("13", "France services itinérante", "01053", "Antenne", "5.25", "46.25")]
    csv22 = ("identifiant;nom_fs;codgeo;cp;lat;lon\n"
             "12;France services de Gex;01173;01170;46,3331;6,0578\n").encode()
    con, res = load(tmp_path, "france_services", {"fs-2022.csv": csv22})
    assert con.execute("select id_fs, lib_fs, insee_com, code_postal, latitude, longitude from raw.france_services"
                       ).fetchone() == ("12", "France services de Gex", "01173", "01170", "46,3331", "6,0578")


def test_json_values_as_published(tmp_path):
    rows = [{"code": "01001", "nom": "L'Abergement", "type": "commune-actuelle", "population": 860,
             "codesPostaux": ["01400"], "zone": None, "flag": True},
            {"code": "2A004", "nom": "Ajaccio", "type": "commune-actuelle", "population": 1.5e5,
             "anciensCodes": ["2A000"], "surface": 82.03}]
    text = "[\n" + ",\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n]\n"
    con, res = load(tmp_path, "communes_etalab", {"communes.json": text.encode()})
    assert res.rows_loaded == 1 and res.rows_rejected == 1   # population 150000.0 is not an integer
    assert [c[0] for c in con.execute("describe raw.communes_etalab").fetchall()][:9] == [
        "code", "nom", "type", "population", "codesPostaux", "zone", "flag", "anciensCodes", "surface"]
    assert con.execute("select population, codesPostaux, zone, flag, _line from raw.communes_etalab").fetchone() == (
        "860", '["01400"]', None, "true", 2)
    assert rejects(con, "communes_etalab") == [
        "communes.json, ligne 3 : colonne « population » (population) : valeur « 150000.0 » invalide"]


def test_truncated_json_is_a_french_error(tmp_path):
    text = b'[\n{"code": "01001", "nom": "A", "type": "commune-actuelle"},\n{"code": "01002", "no'
    with pytest.raises(ContractError) as err:
        load(tmp_path, "communes_etalab", {"communes.json": text})
    assert "Source « communes_etalab »" in str(err.value) and "JSON illisible à la ligne 3" in str(err.value)


def test_geojson_polygon_point_and_coordinate_properties(tmp_path):
    from ingest.readers import read_table

    geo = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"siren_epci": "200000172", "type": "epci"},
         "geometry": {"type": "Polygon", "coordinates": [[[6.0, 46.0], [7.0, 46.0], [7.0, 47.0], [6.0, 47.0]]]}},
        {"type": "Feature", "properties": {"siren_epci": "200000438", "type": "epci"}, "geometry": None},
    ]}
    con, res = load(tmp_path, "epci_centroids", {"centroides.geojson": json.dumps(geo, indent=1).encode()})
    assert (res.rows_loaded, res.rows_rejected) == (1, 1)      # no geometry: longitude is required
    assert con.execute("select longitude, latitude, _line from raw.epci_centroids").fetchone() == ("6.5", "46.5", 4)
    assert rejects(con, "epci_centroids")[0].startswith("centroides.geojson, ligne 3")
    # A property already named latitude keeps its name; the geometry's go to geometry_*.
    geo["features"] = geo["features"][:1]
    geo["features"][0]["properties"]["latitude"] = "46"
    f = tmp_path / "props.geojson"
    f.write_text(json.dumps(geo), encoding="utf-8")
    header, records, detected = read_table(f, "epci_centroids")
    assert header == ["siren_epci", "type", "latitude", "geometry_longitude", "geometry_latitude"]
    assert next(records).values == ["200000172", "epci", "46", "6.5", "46.5"]
    assert detected["format"] == "geojson"


def test_xlsx_cells_as_published(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Liste"
    ws.append([None])
    ws.append(["id_fs", "lib_fs", "insee_com", "code_postal", "latitude", "longitude", "date_labellisation"])
    ws.append([1, "FS A", "01033", "01200", 46.1060711578546, 5.826, dt.datetime(2020, 1, 1)])
    ws.append([None] * 7)
    ws.append([2.0, "FS B", 1001, 1100, 41.92, 8.73, None])
    f = tmp_path / "fs.xlsx"
    wb.save(f)
    con, res = load(tmp_path, "france_services", {"fs.xlsx": f.read_bytes()})
    assert (res.rows_read, res.rows_loaded, res.rows_rejected) == (2, 1, 1)
    assert con.execute("select id_fs, insee_com, code_postal, latitude, date_labellisation, _row, _line "
                       "from raw.france_services").fetchone() == (
        "1", "01033", "01200", "46.1060711578546", "2020-01-01", 1, 3)
    assert rejects(con, "france_services") == [
        "fs.xlsx, ligne 5 : colonne « insee_com » (code commune INSEE) : valeur « 1001 » invalide"]
    assert res.files[0].format == "xlsx"


def test_xlsx_named_sheet_and_missing_sheet(tmp_path):
    import dataclasses

    from ingest.sources import CONTRACTS

    wb = openpyxl.Workbook()
    wb.active.append(["notice"])
    ws = wb.create_sheet("Données")
    ws.append(["id_fs", "lib_fs", "insee_com", "latitude", "longitude"])
    ws.append([7, "FS G", "01173", 46.33, 6.06])
    f = tmp_path / "fs.xlsx"
    wb.save(f)
    contract = dataclasses.replace(CONTRACTS["france_services"], sheet="Données")
    con = duckdb.connect()
    snap = fetch("france_services", str(f), tmp_path / "snap")
    res = load_source(con, "france_services", [snap], contract)
    assert res.rows_loaded == 1 and con.execute("select id_fs from raw.france_services").fetchone() == ("7",)
    with pytest.raises(ContractError, match="feuille « Autre » absente"):
        load_source(con, "france_services", [snap], dataclasses.replace(contract, sheet="Autre"))


def test_populations_older_archive_communes_csv_with_long_french_headers(tmp_path):
    """Older archives of the populations légales (e.g. statistiques/fichier/4265429/ensemble.zip) hold
    ``Communes.csv`` beside ``Departements.csv``; the copies archived in public repositories have long French
    headers and a ``;`` at the end of every line, some in Windows-1252: the same columns under other names,
    loaded as the later vintages."""
    import io
    import zipfile

    text = ("Code région;Nom de la région;Code département;Code arrondissement;Code canton;Code commune;"
            "Nom de la commune;Population municipale;Population comptée à part;Population totale;\r\n"
            "84;Auvergne-Rhône-Alpes;01;2;08;001;L'Abergement-Clémenciat;767;18;785;\r\n"
            "94;Corse;2A;1;01;004;Ajaccio;69075;1500;70575;\r\n"
            "01;Guadeloupe;971;1;01;101;Les Abymes;53514;980;54494;\r\n").encode("cp1252")
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("Departements.csv", "Code département;Population totale;\r\n01;650000;\r\n")
        z.writestr("Communes.csv", text)
    con, res = load(tmp_path, "populations", {"ensemble.zip": archive.getvalue()})
    assert (res.rows_read, res.rows_loaded, res.rows_rejected) == (3, 3, 0)
    assert con.execute("select CODDEP, CODCOM, COM, CODCAN, PMUN, PCAP, PTOT from raw.populations order by _row"
                       ).fetchall() == [("01", "001", "L'Abergement-Clémenciat", "08", "767", "18", "785"),
                                        ("2A", "004", "Ajaccio", "01", "69075", "1500", "70575"),
                                        ("971", "101", "Les Abymes", "01", "53514", "980", "54494")]
