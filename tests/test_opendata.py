"""Open data published back with each publication (orchestration/opendata.py): the directory of places and
the indicators per territory as CSV + GeoJSON with their Table Schemas, validated with frictionless.

The fast tests write the files of a small warehouse made here (a real DuckDB file); the slow ones validate
the open data of the demo publication (figures against the generator's truth) and of the real files'
publication (figures against tests/real_expected.py, computed from the raw files with csv only)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import duckdb
import pytest

from orchestration import opendata
from orchestration.exports import exports_dir, write_exports
from orchestration.opendata import LICENCE, OpenDataError, validate, write_opendata

# Values a CSV writer can break: a comma, double quotes, a newline, a semicolon, accents.
TRICKY_NAME = 'Café, « La Forge » "atelier"\nsecond line; fin'
PLACES = [
    # place_id, name, family, address, postcode, commune, epci, canton, dep, region, lat, lon, siret
    ("TL2019-1", TRICKY_NAME, "tiers_lieu", "1, rue \"du Port\"", "20000", "2A004", "242010056", "2A01", "2A", "94",
     41.93, 8.74, "12345678901234"),
    ("TL2019-2", "Le Bocal", "tiers_lieu", None, "01000", "01001", "200069193", "0101", "01", "84", None, None, None),
    ("FS-7", "France services de Saint-Paul", "france_services", "2 place de l'Église", "97460", "97415",
     "249740085", "97415", "974", "04", -21.01, 55.27, None),
]


def tiny_warehouse(path: Path, places=PLACES) -> Path:
    """A warehouse file holding the marts the directory of places reads (dim_place, meta_sources,
    meta_publication), with the column types the dbt models give them."""
    con = duckdb.connect(str(path))
    con.execute("create schema marts")
    con.execute("""create table marts.dim_place (place_id varchar, real_place_id varchar, place_name varchar,
        place_family varchar, place_category varchar, place_type varchar, fs_type varchar, address varchar,
        postcode varchar, commune_code varchar, commune_name varchar, epci_code varchar, canton_code varchar,
        departement_code varchar, region_code varchar, latitude double, longitude double,
        coordinates_status varchar, placement_method varchar, siret varchar, website varchar, email varchar,
        phone varchar, source_file varchar, source_name varchar, source_names varchar[])""")
    for pid, name, family, address, cp, commune, epci, canton, dep, reg, lat, lon, siret in places:
        source = "france_services" if family == "france_services" else "tierslieux_2019"
        con.execute("insert into marts.dim_place values (?, ?, ?, ?, 'coworking', 'coworking', null, ?, ?, ?, "
                    "'Commune', ?, ?, ?, ?, ?, ?, 'publiees', 'code_insee', ?, null, null, null, 'f.csv', ?, ?)",
                    [pid, "LIEU-" + pid, name, family, address, cp, commune, epci, canton, dep, reg, lat, lon, siret,
                     source, [source, "conseillers_numeriques"] if pid == "TL2019-1" else [source]])
    con.execute("""create table marts.meta_sources as select * from (values
        ('tierslieux_2019', 'Inventaire 2019', 'ANCT', 'Licence Ouverte 2.0', 'CGET_TiersLieux_2019.csv',
         '2026-03-01T10:00:00+00:00'),
        ('france_services', 'France Services', 'ANCT', 'Licence Ouverte 2.0', 'liste-fs.csv',
         '2026-04-02T10:00:00+00:00'),
        ('conseillers_numeriques', 'Conseillers numériques', 'ANCT', 'Licence Ouverte 2.0', 'cnfs.json',
         '2026-05-03T10:00:00+00:00'))
        t(source_name, source_label, publisher, licence, file_name, fetched_at)""")
    con.execute("create table marts.meta_publication as select 'Corse-du-Sud' as territory_name, "
                "false as is_fictional, timestamptz '2026-06-01 08:00:00+00' as built_at")
    con.close()
    return path


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def assert_written_as_python_would(folder: Path) -> None:
    """The CSV and GeoJSON files of ``folder`` are, byte for byte, what Python's csv (QUOTE_MINIMAL, CRLF, no
    BOM) and json (compact, UTF-8) modules write for the values they hold: DuckDB writes them
    (orchestration/opendata.py), as those modules did before."""
    for path in sorted(folder.glob("*.csv")):
        text = path.read_bytes().decode("utf-8")
        out = io.StringIO(newline="")
        csv.writer(out, lineterminator="\r\n").writerows(csv.reader(io.StringIO(text, newline="")))
        assert text == out.getvalue() and not text.startswith("\ufeff"), path.name
    for path in sorted(folder.glob("*.geojson")):
        text = path.read_bytes().decode("utf-8")
        assert text == json.dumps(json.loads(text), ensure_ascii=False, separators=(",", ":")), path.name


def test_values_round_trip_and_codes_stay_text(tmp_path):
    """Every value comes back from the CSV as written (a comma, quotes and a newline included), codes keep
    their leading zeros and 2A, each row carries its sources, their date and the licence, and the files
    validate against their schemas (the GeoJSON's properties too)."""
    con = duckdb.connect(str(tiny_warehouse(tmp_path / "w.duckdb")), read_only=True)
    summary = write_opendata(con, tmp_path / "od")
    con.close()
    folder = tmp_path / "od"
    assert summary["rows"] == {"lieux": 3}   # the territories' marts are absent: no indicateurs file
    assert validate(folder) == {"lieux.csv": 3, "lieux.geojson": 3}
    rows = {r["identifiant"]: r for r in read_csv(folder / "lieux.csv")}
    assert rows["TL2019-1"]["nom"] == TRICKY_NAME and rows["TL2019-1"]["adresse"] == '1, rue "du Port"'
    assert (rows["TL2019-1"]["code_commune"], rows["TL2019-1"]["code_departement"],
            rows["TL2019-1"]["code_canton"]) == ("2A004", "2A", "2A01")
    assert (rows["TL2019-2"]["code_commune"], rows["TL2019-2"]["code_postal"], rows["TL2019-2"]["code_region"]) \
        == ("01001", "01000", "84")
    assert rows["TL2019-1"]["siret"] == "12345678901234" and rows["TL2019-2"]["siret"] == ""
    assert rows["TL2019-1"]["sources"] == "conseillers_numeriques ; tierslieux_2019"
    assert rows["TL2019-1"]["date_donnees"] == "2026-05-03" and rows["TL2019-2"]["date_donnees"] == "2026-03-01"
    assert {r["date_publication"] for r in rows.values()} == {"2026-06-01"}
    assert {r["licence"] for r in rows.values()} == {LICENCE}
    assert float(rows["FS-7"]["latitude"]) == -21.01

    collection = json.loads((folder / "lieux.geojson").read_text(encoding="utf-8"))
    features = {f["properties"]["identifiant"]: f for f in collection["features"]}
    assert features["TL2019-1"]["properties"]["nom"] == TRICKY_NAME
    assert features["TL2019-1"]["geometry"] == {"type": "Point", "coordinates": [8.74, 41.93]}
    assert features["TL2019-2"]["geometry"] is None and summary["without_point"] == {"lieux.geojson": 1}
    assert features["TL2019-2"]["properties"]["code_commune"] == "01001"

    schema = json.loads((folder / "schema_lieux.json").read_text(encoding="utf-8"))
    fields = {f["name"]: f for f in schema["fields"]}
    assert [f["name"] for f in schema["fields"]] == list(rows["TL2019-1"])   # the CSV header, in order
    assert fields["code_commune"]["type"] == "string" and fields["code_commune"]["constraints"]["pattern"]
    assert fields["date_donnees"] == {**fields["date_donnees"], "type": "date", "format": "default"}
    assert schema["missingValues"] == [""] and schema["licenses"][0]["title"] == LICENCE
    assert all(f["title"] and f["description"] for f in schema["fields"])
    package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    assert [r["path"] for r in package["resources"]] == ["lieux.csv", "lieux.geojson"]
    assert len(package["sources"]) == 3 and "Publier sur data.gouv.fr" in (folder / "LISEZMOI.md").read_text()
    assert_written_as_python_would(folder)


def test_the_files_bytes(tmp_path):
    """A '#' or a leading space is not quoted, an empty string is an empty cell (and "" in the GeoJSON), a
    small number has no exponent in the CSV (0.00001) and Python's repr in the GeoJSON (1e-05), rounded to 6
    decimals in the point: the bytes the Python writers gave."""
    place = ("TL2019-9", " Atelier #1", "tiers_lieu", "", "33000", "33063", "243300316", "3320", "33", "75",
             44.837789, 1e-05, None)
    con = duckdb.connect(str(tiny_warehouse(tmp_path / "w.duckdb", [place])), read_only=True)
    write_opendata(con, tmp_path / "od")
    con.close()
    header, line, end = (tmp_path / "od" / "lieux.csv").read_bytes().split(b"\r\n")
    assert header.startswith(b"identifiant,identifiant_lieu_reel,nom,famille,") and end == b""
    assert line == (b"TL2019-9,LIEU-TL2019-9, Atelier #1,tiers_lieu,coworking,coworking,,,33000,33063,Commune,"
                    b"243300316,3320,33,75,44.837789,0.00001,publiees,code_insee,,,,,f.csv,tierslieux_2019,"
                    b"2026-03-01,2026-06-01,Licence Ouverte / Open Licence version 2.0")
    geojson = (tmp_path / "od" / "lieux.geojson").read_text(encoding="utf-8")
    assert geojson.startswith(
        '{"type":"FeatureCollection","name":"lieux","features":[{"type":"Feature","geometry":{"type":"Point",'
        '"coordinates":[1e-05,44.837789]},"properties":{"identifiant":"TL2019-9","identifiant_lieu_reel":'
        '"LIEU-TL2019-9","nom":" Atelier #1","famille":"tiers_lieu",')
    assert '"type_france_services":null,"adresse":"","code_postal":"33000",' in geojson
    assert '"latitude":44.837789,"longitude":1e-05,' in geojson
    assert geojson.endswith('"licence":"Licence Ouverte / Open Licence version 2.0"}}]}')
    assert_written_as_python_would(tmp_path / "od")


def test_an_invalid_file_stops_the_exports_with_a_french_message(tmp_path):
    """A postcode that lost its zero breaks the schema: the exports (hence the publication, which writes
    them before its swap) stop with the file, the line and the column."""
    bad = [PLACES[0], (*PLACES[1][:4], "1000", *PLACES[1][5:])]
    db = tiny_warehouse(tmp_path / "w.duckdb", bad)
    with pytest.raises(OpenDataError) as err:
        write_exports(db, tmp_path / "exports", "r1")
    message = str(err.value)
    assert "lieux.csv (ligne 3, colonne code_postal)" in message   # row 3, the header being row 1
    assert "« 1000 »" in message and "la publication est arrêtée" in message

    # A place identifier written twice breaks the primary key: refused before any file is written.
    db = tiny_warehouse(tmp_path / "dup.duckdb", [PLACES[0], PLACES[1], (PLACES[1][0], "Autre nom", *PLACES[1][2:])])
    with pytest.raises(OpenDataError, match=r"lieux.csv \(colonne identifiant\) : valeur en double « TL2019-2 »"):
        write_exports(db, tmp_path / "exports-dup", "r1")

    # The GeoJSON properties are validated against the same schema (frictionless, as the tests run it).
    con = duckdb.connect(str(tiny_warehouse(tmp_path / "ok.duckdb")), read_only=True)
    write_opendata(con, tmp_path / "od")
    con.close()
    path = tmp_path / "od" / "lieux.geojson"
    collection = json.loads(path.read_text(encoding="utf-8"))
    collection["features"][1]["properties"]["code_commune"] = "1001"
    path.write_text(json.dumps(collection), encoding="utf-8")
    with pytest.raises(OpenDataError, match=r"lieux.geojson \(entité 2, colonne code_commune\)"):
        validate(tmp_path / "od")


def _check_folder(con: duckdb.DuckDBPyConnection, folder: Path) -> tuple[list[dict], list[dict]]:
    """The open data of a publication validates whole and holds one row per place and per territory."""
    checked = validate(folder, geojson_schema=True)
    places, territories = read_csv(folder / "lieux.csv"), read_csv(folder / "indicateurs_territoires.csv")
    n_places = con.execute("select count(*) from marts.dim_place").fetchall()[0][0]
    n_territories = con.execute("select count(*) from marts.fct_summary_territory").fetchall()[0][0]
    assert checked == {"lieux.csv": n_places, "lieux.geojson": n_places,
                       "indicateurs_territoires.csv": n_territories, "indicateurs_territoires.geojson": n_territories}
    assert len(places) == n_places and len(territories) == n_territories
    assert {r["identifiant"] for r in places} == {r[0] for r in con.execute("select place_id from marts.dim_place")
                                                  .fetchall()}
    assert all(r["sources"] and r["date_donnees"] and r["licence"] == LICENCE for r in places + territories)
    assert_written_as_python_would(folder)
    return places, territories


def test_demo_open_data_validates_and_holds_the_truth(demo_run, demo_warehouse, demo_mirror):
    settings, _ = demo_run
    truth = demo_mirror[1]
    places, territories = _check_folder(demo_warehouse, exports_dir(settings) / opendata.FOLDER)
    families = [r["famille"] for r in places]
    assert (families.count("tiers_lieu"), families.count("france_services")) == (truth["n_places"],
                                                                                  truth["n_france_services"])
    by_level = {}
    for r in territories:
        by_level.setdefault(r["niveau"], {})[r["code"]] = r
    assert {e: int(r["population"]) for e, r in by_level["epci"].items()} == truth["population_by_epci"]
    assert {e: int(r["nb_tiers_lieux"]) for e, r in by_level["epci"].items()} == \
        {e: v["total"] for e, v in truth["places_by_epci"].items()}
    assert {k: int(r["nb_france_services"]) for k, r in by_level["canton"].items()} == \
        {k: v["total"] for k, v in truth["france_services_by_canton"].items()}
    national = by_level["national"]["FR"]
    assert (int(national["population"]), int(national["nb_cantons_sans_france_services"])) == \
        (truth["population_total"], len(truth["cantons_without_france_services"]))
    assert len(by_level["commune"]) == truth["n_communes"]
    assert "DONNÉES FICTIVES" in (exports_dir(settings) / opendata.FOLDER / "LISEZMOI.md").read_text()


def test_real_open_data_validates_and_holds_the_files_figures(real_warehouse):
    import real_expected as rx

    con, data, settings = real_warehouse
    places, territories = _check_folder(con, exports_dir(settings) / opendata.FOLDER)
    placed, _ = rx.france_services_placement(data)
    fs_by_commune: dict[str, int] = {}
    for r in places:
        if r["famille"] == "france_services":
            fs_by_commune[r["code_commune"]] = fs_by_commune.get(r["code_commune"], 0) + 1
    assert fs_by_commune == placed
    national = [r for r in territories if r["niveau"] == "national"]
    assert [int(r["population"]) for r in national] == [rx.population_total(data)]
    communes = {r["code"] for r in territories if r["niveau"] == "commune"}
    assert {"01001", "2A004", "2B033", "97101"} <= communes        # leading zeros, Corsica, overseas
    assert {r["code"] for r in territories if r["niveau"] == "departement"} >= {"01", "2A", "2B", "974"}


def test_small_numbers_are_written_without_exponent():
    """The CSV never writes an exponent (its digits unchanged); the GeoJSON writes Python's repr, as json does."""
    column = opendata.Column("x", "x", "number", "x", "x")
    con = duckdb.connect()
    con.execute("create table t (i integer, x double)")
    values = [1e-05, 0.25, 2.0, None, -1.5e-07, 1.5e16, 123.456, float("nan")]
    con.executemany("insert into t values (?, ?)", list(enumerate(values)))
    rows = con.execute(f"select {opendata._csv_text(column)}, {opendata._json_text(column)} from t order by i").fetchall()
    assert [csv_text for csv_text, _ in rows] == ["0.00001", "0.25", "2.0", None, "-0.00000015", "15000000000000000",
                                                 "123.456", None]
    assert [json_text for _, json_text in rows] == ["1e-05", "0.25", "2.0", "null", "-1.5e-07", "1.5e+16", "123.456",
                                                   "null"]


def test_the_run_reports_the_french_reason():
    """A failed publication's summary says the open-data error in French, not Dagster's wrapper."""
    from types import SimpleNamespace

    from orchestration.report import french_reason

    ours = SimpleNamespace(cls_name="OpenDataError", cause=None, context=None,
                           message="orchestration.opendata.OpenDataError: Données ouvertes : des fichiers ...")
    wrapper = SimpleNamespace(cls_name="DagsterExecutionStepExecutionError", cause=ours, context=None,
                              message="Error occurred while executing op")
    assert french_reason(wrapper) == "Données ouvertes : des fichiers ..."


def test_the_exposure_lists_the_marts_the_open_data_reads():
    """The dbt exposure donnees_ouvertes (lineage in the dbt docs) names exactly the marts the files read."""
    import yaml

    from ingest.config import PROJECT_ROOT

    doc = yaml.safe_load((PROJECT_ROOT / "dbt_project" / "models" / "marts" / "_marts.yml").read_text(encoding="utf-8"))
    exposure = next(e for e in doc["exposures"] if e["name"] == "donnees_ouvertes")
    refs = {d.removeprefix("ref('").removesuffix("')") for d in exposure["depends_on"]}
    assert refs == {m for r in opendata.RESOURCES for m in r.requires}
