"""The analysts' warehouse (docs/analystes.md): a published file DuckDB 1.x reads, its exports (Parquet,
GeoPackage) holding the marts' figures, the example queries of docs/requetes/, the data dictionary, the
contours source, and `make docs` while a reader holds the published file."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import venv
from pathlib import Path

import duckdb
import pandas as pd
import pyogrio
import pytest
import shapely

from conftest import write_config
from ingest.config import PROJECT_ROOT, load_settings
from ingest.errors import ContractError
from ingest.fetch import fetch
from ingest.warehouse import (
    STORAGE_VERSION,
    convert_storage,
    create_build,
    prepare_build,
    publish,
    readable_by_duckdb_1x,
    storage_version,
)
from orchestration import dictionary
from orchestration.exports import GPKG, LAYERS, MARKER, exports_dir, reusable_parquet, write_exports
from orchestration.report import DBT_TARGET

QUERIES = sorted((PROJECT_ROOT / "docs" / "requetes").glob("*.sql"))
OLD_DUCKDB = "duckdb==1.4.*"
OLD_ENV = PROJECT_ROOT / ".venv-duckdb14"   # cached between runs (.gitignore)


# --- storage version -------------------------------------------------------------------------------


def test_build_files_are_written_for_duckdb_14(tmp_path):
    """A build file created from scratch is in the storage format of DuckDB 1.4 and stays in it when
    DuckDB 2 writes to it; a file in DuckDB 2's format is converted, its tables and comments kept."""
    build = tmp_path / "build.duckdb"
    create_build(build)
    con = duckdb.connect(str(build))
    con.execute("create schema marts; create table marts.t as select range as x from range(1000)")
    con.execute("comment on column marts.t.x is 'une valeur'")
    con.close()
    assert storage_version(build) == STORAGE_VERSION + "+" and readable_by_duckdb_1x(build)

    newer = tmp_path / "newer.duckdb"
    con = duckdb.connect(str(newer))
    con.execute("create schema marts; create table marts.t as select range as x from range(1000)")
    con.execute("comment on column marts.t.x is 'une valeur'")
    con.close()
    assert not readable_by_duckdb_1x(newer)
    convert_storage(newer)
    assert readable_by_duckdb_1x(newer)
    con = duckdb.connect(str(newer), read_only=True)
    assert con.execute("select count(*), sum(x) from marts.t").fetchall() == [(1000, 499500)]
    assert con.execute("select comment from duckdb_columns() where table_name = 't'").fetchall() == [("une valeur",)]
    con.close()


def test_publish_converts_a_build_seeded_from_a_newer_publication(tmp_path):
    """The first refresh after this change starts from a publication in DuckDB 2's format: the file it
    publishes is readable by DuckDB 1.4 all the same."""
    settings = load_settings(write_config(tmp_path, tmp_path / "mirror"))
    settings.warehouse_dir.mkdir(parents=True)
    con = duckdb.connect(str(settings.published_path))   # DuckDB 2's own format
    con.execute("create table t as select 42 as x")
    con.close()
    assert not readable_by_duckdb_1x(settings.published_path)
    build = prepare_build(settings, "run-1")
    assert not readable_by_duckdb_1x(build)                # seeded as is
    publish(settings)
    assert readable_by_duckdb_1x(settings.published_path)
    con = duckdb.connect(str(settings.published_path), read_only=True)
    assert con.execute("select x from t").fetchall() == [(42,)]
    con.close()


def _old_duckdb_python() -> Path:
    """A virtual environment with DuckDB 1.4 from PyPI (cached in .venv-duckdb14/)."""
    python = OLD_ENV / "bin" / "python"
    probe = [str(python), "-c", "import duckdb, sys; sys.exit(0 if duckdb.__version__.startswith('1.4.') else 1)"]
    if python.exists() and subprocess.run(probe, capture_output=True).returncode == 0:
        return python
    venv.create(OLD_ENV, with_pip=True, clear=True)
    proc = subprocess.run([str(python), "-m", "pip", "install", "-q", OLD_DUCKDB], capture_output=True, text=True,
                          timeout=600)
    if proc.returncode != 0:
        pytest.skip(f"pip cannot install {OLD_DUCKDB} from PyPI here: {proc.stderr[-500:]}")
    return python


OLD_CLIENT = r"""
import json, sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
out = {"version": duckdb.__version__, "queries": {}}
for path in sys.argv[2:]:
    rel = con.sql(open(path, encoding="utf-8").read())
    out["queries"][path] = [list(map(str, row)) for row in rel.fetchall()]
out["epci"] = con.sql("select count(*), sum(n_tiers_lieux), sum(population) from marts.fct_coverage_epci").fetchall()
print(json.dumps(out, default=str))
"""


def test_duckdb_14_reads_the_published_demo_and_runs_the_example_queries(demo_run, tmp_path):
    settings, result = demo_run
    assert result.success
    python = _old_duckdb_python()
    proc = subprocess.run([str(python), "-c", OLD_CLIENT, str(settings.published_path), *map(str, QUERIES)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = json.loads(proc.stdout)
    assert out["version"].startswith("1.4.")
    assert len(QUERIES) >= 4 and set(out["queries"]) == {str(q) for q in QUERIES}
    con = duckdb.connect(str(settings.published_path), read_only=True)
    try:
        for query in QUERIES:
            rows = out["queries"][str(query)]
            assert rows, f"{query.name}: no row on the demo"
            expected = [list(map(str, row)) for row in con.sql(query.read_text(encoding="utf-8")).fetchall()]
            assert rows == expected, query.name          # DuckDB 1.4 and 2.0 give the same answer
        epci = con.sql("select count(*), sum(n_tiers_lieux), sum(population) from marts.fct_coverage_epci").fetchall()
        assert [list(r) for r in out["epci"]] == [list(r) for r in epci]
    finally:
        con.close()


# --- exports -------------------------------------------------------------------------------------


def _gpkg_layer(path: Path, layer: str) -> tuple[pd.DataFrame, list]:
    meta, _, geometry, fields = pyogrio.raw.read(path, layer=layer)
    frame = pd.DataFrame({name: values for name, values in zip(meta["fields"], fields)})
    return frame, [None if g is None else shapely.from_wkb(g) for g in geometry]


def check_exports(con: duckdb.DuckDBPyConnection, folder: Path) -> dict:
    """The exports of ``folder`` hold the figures of the warehouse ``con``; returns a few counts."""
    marts = [r[0] for r in con.execute("select table_name from duckdb_tables() where schema_name = 'marts'").fetchall()]
    parquet = folder / "parquet"
    assert sorted(p.stem for p in parquet.glob("*.parquet")) == sorted(marts)
    for name in marts:
        frame = pd.read_parquet(parquet / f"{name}.parquet")
        assert len(frame) == con.execute(f'select count(*) from marts."{name}"').fetchone()[0], name
        columns = [r[0] for r in con.execute("select column_name from duckdb_columns() where schema_name = 'marts' "
                                             "and table_name = ? order by column_index", [name]).fetchall()]
        assert list(frame.columns) == columns, name
        # Same rows, value for value (a Parquet file linked from an earlier publication would differ).
        assert con.execute(f"select count(*) from (select * from marts.\"{name}\" except all "
                           f"select * from read_parquet('{parquet / f'{name}.parquet'}'))").fetchone()[0] == 0, name
    cov = pd.read_parquet(parquet / "fct_coverage_epci.parquet")
    assert (int(cov["n_tiers_lieux"].sum()), int(cov["population"].sum())) == con.execute(
        "select sum(n_tiers_lieux), sum(population) from marts.fct_coverage_epci").fetchone()
    communes = pd.read_parquet(parquet / "dim_commune.parquet")
    assert communes["commune_code"].map(type).eq(str).all()   # INSEE codes stay strings

    gpkg = folder / GPKG
    layers = {name for name, _ in pyogrio.list_layers(gpkg)}
    assert {layer.name for layer in LAYERS} <= layers
    places, points = _gpkg_layer(gpkg, "lieux")
    assert len(places) == con.execute("select count(*) from marts.dim_place where latitude is not null").fetchone()[0]
    assert all(p is not None and p.geom_type == "Point" for p in points)
    epci, shapes = _gpkg_layer(gpkg, "epci")
    assert (len(epci), int(epci["nb_tiers_lieux"].sum()), int(epci["population"].sum())) == con.execute(
        "select count(*), sum(f.n_tiers_lieux), sum(t.population) from marts.dim_territory_geometry g "
        "join marts.dim_territory t using (territory_level, territory_code) "
        "left join marts.fct_coverage_epci f on f.epci_code = g.territory_code where g.territory_level = 'epci'"
    ).fetchone()
    counts = {}
    for level, layer in (("commune", "communes"), ("canton", "cantons"), ("epci", "epci"),
                         ("departement", "departements"), ("region", "regions")):
        frame, shapes = _gpkg_layer(gpkg, layer)
        drawn = sum(s is not None for s in shapes)
        assert (len(frame), drawn) == con.execute(
            "select count(*), count(geometry_geojson) from marts.dim_territory_geometry where territory_level = ?",
            [level]).fetchone(), layer
        assert all(s.is_valid and s.geom_type == "MultiPolygon" for s in shapes if s is not None)
        assert frame["code"].map(type).eq(str).all()
        counts[layer] = (len(frame), drawn)
    info = pyogrio.read_info(gpkg, layer="communes")
    assert info["crs"] == "EPSG:4326" and info["geometry_name"] == "geometrie"
    db = sqlite3.connect(gpkg)
    try:
        described = dict(db.execute("select column_name, description from gpkg_data_columns "
                                    "where table_name = 'epci'").fetchall())
        styles = {r[0] for r in db.execute("select f_table_name from layer_styles where useAsDefault")}
    finally:
        db.close()
    assert described["tiers_lieux_pour_10000_hab"] == "Tiers-lieux pour 10 000 habitants"
    assert styles == {layer.name for layer in LAYERS}
    missing = con.execute("select count(*) from marts.quality_commune_contours where commune_code is not null"
                          ).fetchone()[0]
    readme = (folder / "LISEZMOI.txt").read_text(encoding="utf-8")
    assert f"Communes sans contour publié (liste : marts.quality_commune_contours) : {missing}" in readme
    counts["communes_without_contour"] = missing
    return counts


def test_exports_are_reused_only_from_the_publication_they_describe(tmp_path):
    """Parquet files are linked from the current exports only when these were written from the
    published file (its last publishing run), and only for the marts named unchanged."""
    settings = load_settings(write_config(tmp_path, tmp_path / "mirror"))
    settings.warehouse_dir.mkdir(parents=True)
    con = duckdb.connect(str(settings.published_path))
    con.execute("create schema marts; create table marts.a as select 1 as x; create table marts.b as select 2 as x")
    con.execute("create schema ops; create table ops.refresh_runs (run_id varchar, started_at timestamp, "
                "finished_at timestamp, status varchar, published boolean, message varchar)")
    con.execute("insert into ops.refresh_runs values ('r1', null, '2026-01-01', 'succès', true, ''), "
                "('r2', null, '2026-02-01', 'échec', false, '')")
    con.close()
    assert reusable_parquet(settings) is None                          # no exports yet
    first = write_exports(settings.published_path, exports_dir(settings), "r1")
    assert first["reused"] == [] and (exports_dir(settings) / MARKER).read_text() == "r1"
    assert reusable_parquet(settings) == exports_dir(settings) / "parquet"

    # The marts of the next build: a rebuilt (x = 10), b unchanged.
    build = tmp_path / "build.duckdb"
    con = duckdb.connect(str(build))
    con.execute("create schema marts; create table marts.a as select 10 as x; create table marts.b as select 2 as x")
    con.close()
    second = write_exports(build, tmp_path / "next", "r3", reusable_parquet(settings), frozenset({"b"}))
    assert second["reused"] == ["b"]
    assert pd.read_parquet(tmp_path / "next" / "parquet" / "a.parquet")["x"].tolist() == [10]
    assert os.path.samefile(tmp_path / "next" / "parquet" / "b.parquet", exports_dir(settings) / "parquet" / "b.parquet")

    # Exports written for another publication (a rollback put an older file online): nothing reused.
    (exports_dir(settings) / MARKER).write_text("r0")
    assert reusable_parquet(settings) is None
    third = write_exports(build, tmp_path / "third", "r3", reusable_parquet(settings), frozenset({"a", "b"}))
    assert third["reused"] == []


def test_demo_exports_hold_the_marts_figures(demo_run, demo_warehouse):
    settings, _ = demo_run
    counts = check_exports(demo_warehouse, exports_dir(settings))
    # The demo draws every territory: 300 communes, 25 cantons, 12 EPCI, 1 département, 1 région.
    assert counts == {"communes": (300, 300), "cantons": (25, 25), "epci": (12, 12), "departements": (1, 1),
                      "regions": (1, 1), "communes_without_contour": 0}
    # Communes déléguées are published under their own codes (as merged communes in the IGN 2018 files)
    # and joined back to their commune; the communes tile the département.
    assert demo_warehouse.execute("select count(distinct published_code), count(distinct commune_code) "
                                  "from intermediate.int_commune_contours").fetchone() == (303, 300)
    geoms = dict(demo_warehouse.execute("select territory_level, st from (select territory_level, "
                                        "list(geometry_geojson) as st from marts.dim_territory_geometry "
                                        "group by 1)").fetchall())
    area = {level: sum(shapely.from_geojson(g).area for g in texts) for level, texts in geoms.items()}
    assert area["commune"] == pytest.approx(area["departement"], rel=0.01)
    assert area["epci"] == pytest.approx(area["departement"], rel=0.01)


def test_real_exports_hold_the_marts_figures(real_warehouse):
    con, _, settings = real_warehouse
    counts = check_exports(con, exports_dir(settings))
    # Every département and région of the COG 2022 has its IGN contour; the communes of the five
    # départements of the founding studies are drawn, the others are counted as without contour.
    levels = dict(con.execute("select territory_level, count(*) filter (where geometry_method = 'contour_publie') "
                              "from marts.dim_territory_geometry group by 1").fetchall())
    n_dep, n_reg = con.execute("select (select count(*) from marts.dim_departement), "
                               "(select count(*) from marts.dim_region)").fetchone()
    assert levels["departement"] == n_dep and levels["region"] == n_reg
    drawn = dict(con.execute("select left(territory_code, 2), count(*) from marts.dim_territory_geometry "
                             "where territory_level = 'commune' and geometry_geojson is not null group by 1"
                             ).fetchall())
    assert set(drawn) == {"19", "23", "54", "59", "87"}
    n_communes = con.execute("select count(*) from marts.dim_commune").fetchone()[0]
    assert counts["communes_without_contour"] == n_communes - sum(drawn.values())


# --- the example queries, the dictionary, the docs ---------------------------------------------------


def test_example_queries_are_commented_in_french():
    assert len(QUERIES) >= 4
    for query in QUERIES:
        first = query.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("-- ") and len(first) > 30, f"{query.name}: the question, in French, first"


def test_data_dictionary_is_up_to_date():
    """docs/dictionnaire.md is what `python -m orchestration.dictionary` writes from the dbt YAML (every
    mart, every documented column)."""
    assert dictionary.main(["--check"]) == 0, "docs/dictionnaire.md is stale: run `make docs`"
    text = (PROJECT_ROOT / "docs" / "dictionnaire.md").read_text(encoding="utf-8")
    marts = sorted(p.stem for p in (PROJECT_ROOT / "dbt_project" / "models" / "marts").iterdir()
                   if p.suffix in (".sql", ".py"))
    for mart in marts:
        assert f"\n## {mart}\n" in text, mart
    assert "| `tiers_lieux_per_10k` |" in text and "pour 10 000 habitants" in text
    assert dictionary.unit_of("nearest_tiers_lieu_km") == ("km (à vol d'oiseau)", "centre de la commune")
    # The rules each column's constraints declare (checked by column_rules before every publication).
    assert "| toujours renseignée ; valeurs : `canton`, `pseudo_canton`, `sans_canton` |" in text
    assert dictionary.rules_of({"name": "population", "constraints": [{"type": "not_null"}],
                                "config": {"meta": {"constraint_severity": "warn"}}}).startswith(
        "renseignée en principe (avertissement")
    assert dictionary.rules_of({"name": "x", "constraints": [{"type": "check", "expression": "x >= 0"}]}) \
        == "vérifie `x >= 0`"
    assert dictionary.rules_of({"name": "x"}) == ""


def test_make_docs_while_a_reader_holds_the_published_file(demo_run):
    """`make docs` (python -m orchestration.dbt_docs) works from a copy while another process holds the
    published file read-only, as the dashboard does; the published file is left untouched."""
    settings, _ = demo_run
    makefile = (PROJECT_ROOT / "Makefile").read_text(encoding="utf-8")
    assert "$(BIN)/python -m orchestration.dbt_docs" in makefile
    assert "--bind 127.0.0.1" in makefile                      # docs-serve: localhost only
    published = settings.published_path
    before = published.read_bytes()
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys; con = duckdb.connect(sys.argv[1], read_only=True); "
         "con.execute('select count(*) from marts.dim_commune').fetchall(); print('ouvert', flush=True); "
         "sys.stdin.read(); print(con.execute('select count(*) from marts.dim_commune').fetchall()[0][0])",
         str(published)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ouvert"
        # What the dashboard's lock does to a read-write opening (the old `make docs`):
        writer = subprocess.run([sys.executable, "-c", "import duckdb, sys; duckdb.connect(sys.argv[1])",
                                 str(published)], capture_output=True, text=True, timeout=60)
        assert writer.returncode != 0 and "lock" in writer.stderr.lower()
        env = {**os.environ, "OBSERVATOIRE_CONFIG": str(settings.config_path)}
        proc = subprocess.run([sys.executable, "-m", "orchestration.dbt_docs", "--no-dictionary"], cwd=PROJECT_ROOT,
                              env=env, capture_output=True, text=True, timeout=600)
        assert proc.returncode == 0, (proc.stdout + proc.stderr)[-3000:]
        catalog = json.loads((DBT_TARGET / "catalog.json").read_text(encoding="utf-8"))
        assert "model.observatoire.dim_territory_geometry" in catalog["nodes"]
        assert (DBT_TARGET / "static_index.html").stat().st_size > 0
        assert not (DBT_TARGET / "docs").exists()                # the copy is removed
    finally:
        out, _ = holder.communicate("\n", timeout=60)
    assert holder.returncode == 0 and int(out.strip()) > 0       # the reader kept its connection
    assert published.read_bytes() == before


# --- the contours source -----------------------------------------------------------------------------


def _feature(code, geometry=None, nom="X"):
    geometry = geometry if geometry is not None else {
        "type": "Polygon", "coordinates": [[[3.0, 45.0], [3.1, 45.0], [3.1, 45.1], [3.0, 45.0]]]}
    return {"type": "Feature", "properties": {"code": code, "nom": nom}, "geometry": geometry}


def test_contours_loader_rejects_with_french_reasons(tmp_path):
    from ingest.contours import load

    path = tmp_path / "communes-96-test.geojson"
    features = [_feature("96001"), _feature("96002"), _feature("9600"), _feature(""),
                _feature("96003", {"type": "Point", "coordinates": [3.0, 45.0]}), _feature("96001")]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    con = duckdb.connect()
    result = load(con, [fetch("admin_contours", str(path), tmp_path / "snapshots")])
    (f,) = result.files
    assert (f.rows_read, f.rows_loaded, f.rows_rejected) == (6, 2, 4)
    assert con.execute("select level, code, nom from raw.admin_contours order by code").fetchall() == [
        ("commune", "96001", "X"), ("commune", "96002", "X")]
    reasons = [r[0] for r in con.execute("select reason from raw.admin_contours_rejects order by _row").fetchall()]
    assert reasons == [
        "communes-96-test.geojson, entité 3 : propriété « code » : valeur « 9600 » invalide pour un contour de commune",
        "communes-96-test.geojson, entité 4 : propriété « code » absente ou vide",
        "communes-96-test.geojson, entité 5 : géométrie « Point » : un polygone (Polygon ou MultiPolygon) est attendu",
        "communes-96-test.geojson, entité 6 : doublon : même code (96001) que communes-96-test.geojson entité 1"]
    geometry = json.loads(con.execute("select geometry from raw.admin_contours where code = '96001'").fetchone()[0])
    assert geometry == features[0]["geometry"]

    other = tmp_path / "limites.geojson"
    other.write_text(json.dumps({"type": "FeatureCollection", "features": features[:1]}), encoding="utf-8")
    with pytest.raises(ContractError, match="doit commencer par le niveau"):
        load(con, [fetch("admin_contours", str(other), tmp_path / "snapshots")])
