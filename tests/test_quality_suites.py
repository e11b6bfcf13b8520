"""Quality checks where they live: the marts' rules are dbt tests (the column-name conventions of the generic
test ``column_conventions`` on every mart, dbt_project/macros/column_conventions.sql) run by ``dbt build``;
the marts' row counts against the publication are one Dagster check (plain SQL); the raw files' profile
(rejected rows, rows loaded, filled columns) is validated once by Great Expectations
(orchestration.checks); the run report records them all (orchestration.report)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import duckdb
import pytest
import yaml

from ingest.config import PROJECT_ROOT
from orchestration import checks, report
from orchestration.report import BLOCKING, WARNING

DBT_DIR = PROJECT_ROOT / "dbt_project"
MARTS = DBT_DIR / "models" / "marts"


def _has_conventions_test(model: dict) -> bool:
    return (model.get("data_tests") or model.get("tests") or []).count("column_conventions") == 1


def test_every_mart_has_the_column_conventions_test():
    """Every mart model (a .sql file of models/marts) declares the generic test column_conventions once in
    its yml (one scan of the mart for the blocking rules and the warnings)."""
    models = {}
    for path in MARTS.glob("*.yml"):
        for model in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("models", []):
            models[model["name"]] = model
    marts = sorted(p.stem for p in MARTS.glob("*.sql"))
    assert len(marts) > 40
    missing = [m for m in marts if not _has_conventions_test(models.get(m, {}))]
    assert missing == [], f"marts without `- column_conventions` in their data_tests: {missing}"


def _dbt(args: list[str], db: Path, tmp: Path) -> subprocess.CompletedProcess:
    dbt = Path(sys.executable).parent / "dbt"
    env = {**os.environ, "OBSERVATOIRE_BUILD_DB": str(db), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    return subprocess.run([str(dbt), *args, "--profiles-dir", str(DBT_DIR), "--target-path", str(tmp / "target"),
                           "--log-path", str(tmp / "logs")], cwd=DBT_DIR, env=env, capture_output=True, text=True,
                          timeout=600)


@pytest.mark.slow   # runs dbt (a parse of the project and tests): ~20 s
def test_column_conventions_fails_on_broken_values_and_stores_them(tmp_path):
    """The generic test reads the mart's columns at execution: a commune code that lost its leading zero, a
    share above 1 and a negative count are blocking (the test fails, dbt exits non-zero, so `dbt build` fails
    and the publication does not happen); a rate above 1, a distance beyond 20,100 km and an odd département
    code are warnings (the same test only warns when nothing blocking is broken). Codes as published, text
    columns and *change* rates are left alone. Every broken value is stored with its column, rule in French
    and level."""
    db = tmp_path / "m.duckdb"
    con = duckdb.connect(str(db))
    con.execute("create schema marts")
    rows = """('01001', 0.5, 3, 0.5, 12.0, '01', '01001', 'a', '0.5', 4.0),
            ('1053', 1.5, -1, 1.2, 20200.0, '9A', '1053', 'b', '2', 3.0),
            ('2A004', 0.0, 0, 0.0, 0.0, '2A', '2A004', 'c', '1', 0.0),
            (null, null, null, null, null, null, null, null, null, null)"""
    columns = """t(commune_code, share_within, n_places, response_rate, distance_km, departement_code,
            published_commune_code, label, share_label, population_change_rate)"""
    con.execute(f"create table marts.fct_access_territory as select * from (values {rows}) {columns}")
    # fct_access_commune: the same values without the blocking ones (warnings only)
    con.execute(f"create table marts.fct_access_commune as select * from (values {rows}) {columns} "
                "where commune_code <> '1053' or commune_code is null union all "
                "select '01002', 0.1, 1, 1.2, 20200.0, '9A', '1', 'd', '0', 0.0")
    con.close()
    proc = _dbt(["test", "--select", "fct_access_territory,test_name:column_conventions",
                 "fct_access_commune,test_name:column_conventions"], db, tmp_path)
    assert proc.returncode != 0, proc.stdout[-3000:]
    results = {r["unique_id"].split(".")[2]: (r["status"], r["failures"])
               for r in json.loads((tmp_path / "target" / "run_results.json").read_text())["results"]}
    # dbt names a test without arguments <test>_<model>_
    assert results == {"column_conventions_fct_access_territory_": ("fail", 2),
                       "column_conventions_fct_access_commune_": ("warn", 1)}, proc.stdout[-3000:]
    con = duckdb.connect(str(db), read_only=True)
    stored = sorted(con.execute("select column_name, rule, level, value from dbt_test__audit."
                                "column_conventions_fct_access_territory_").fetchall())
    warnings = sorted(con.execute("select column_name, level, value from dbt_test__audit."
                                  "column_conventions_fct_access_commune_").fetchall())
    con.close()
    assert stored == [("commune_code", "code commune INSEE valide", "error", "1053"),
                      ("departement_code", "code de département valide", "warn", "9A"),
                      ("distance_km", "distance entre 0 et 20 100 km", "warn", "20200.0"),
                      ("n_places", "effectif positif ou nul", "error", "-1"),
                      ("response_rate", "taux entre 0 et 1", "warn", "1.2"),
                      ("share_within", "part entre 0 et 1", "error", "1.5")]
    assert warnings == [("departement_code", "warn", "9A"), ("distance_km", "warn", "20200.0"),
                        ("response_rate", "warn", "1.2")]


def _settings(tmp_path: Path, quality: str = "") -> SimpleNamespace:
    cfg = tmp_path / "config.toml"
    cfg.write_text(quality, encoding="utf-8")
    return SimpleNamespace(config_path=cfg, published_path=tmp_path / "published.duckdb")


def _load_populations(con, rows: int, rejected: int = 0, com: str | None = "'Commune'", pcap: bool = True,
                      file: str = "donnees_communes.csv") -> None:
    """raw.populations of ``rows`` rows and its manifest row, as the loader writes them."""
    con.execute("create schema if not exists raw")
    con.execute(f"""create or replace table raw.populations as select lpad((i % 100)::varchar, 2, '0') as CODDEP,
        lpad(i::varchar, 3, '0') as CODCOM, {com if com else 'null'}::varchar as COM, null::varchar as CODCAN,
        '100' as PMUN, {"'3'" if pcap else "case when i % 10 = 0 then '3' end"} as PCAP, '103' as PTOT
        from range({rows}) t(i)""")
    con.execute("create table if not exists raw._manifest (source varchar, location varchar, file varchar, "
                "rows_read bigint, rows_loaded bigint, rows_rejected bigint, loaded_at timestamp)")
    con.execute("insert into raw._manifest values ('populations', ?, ?, ?, ?, ?, now())",
                [f"/mirror/{file}", file, rows + rejected, rows, rejected])


def _by_column(outcomes: list[dict]) -> dict[str, dict]:
    return {o["check_name"].split("column=")[1].split(",")[0]: o for o in outcomes}


def test_raw_profile_passes_a_sound_load_and_blocks_a_file_with_too_many_rejects(tmp_path):
    settings = _settings(tmp_path)
    pub = duckdb.connect(str(settings.published_path))
    _load_populations(pub, 100)
    pub.close()
    con = duckdb.connect(str(tmp_path / "build.duckdb"))
    _load_populations(con, 98, rejected=2)          # 2 % rejected, 98 rows against 100: fine
    sound = _by_column(checks.validate_raw_source(settings, con, "populations"))
    assert all(o["passed"] for o in sound.values()), sound
    # Only what the loader does not reject: no rule on the key or on the columns a row must fill.
    assert set(sound) == {"reject_share[0]", "rows_loaded", "filled_share[COM]", "filled_drop[COM]",
                          "filled_drop[CODCAN]", "filled_drop[PCAP]"}
    assert sound["rows_loaded"]["message"] == "raw.populations : 98 ligne(s) contre 100 dans la publication précédente"

    _load_populations(con, 90, rejected=10)         # 10 rows rejected of 100: within the 10 rows always allowed
    assert _by_column(checks.validate_raw_source(settings, con, "populations"))["reject_share[0]"]["passed"]
    _load_populations(con, 108, rejected=12)        # 12 rows of 120 (10 %): the file is refused whole
    refused = _by_column(checks.validate_raw_source(settings, con, "populations"))["reject_share[0]"]
    assert not refused["passed"] and refused["severity"] == BLOCKING
    assert refused["message"].startswith("donnees_communes.csv : 12 ligne(s) rejetée(s) sur 120 (10,0\u202f%)")
    assert "le fichier ne peut être pris en entier, il est refusé" in refused["message"]
    lenient = _by_column(checks.validate_raw_source(_settings(tmp_path, "[quality]\nmax_reject_share = 0.2\n"),
                                                    con, "populations"))
    assert lenient["reject_share[0]"]["passed"]
    con.close()


def test_raw_profile_row_count_against_the_publication(tmp_path):
    settings = _settings(tmp_path)
    con = duckdb.connect(str(tmp_path / "build.duckdb"))
    _load_populations(con, 0)                       # first publication of a required source, empty: blocking
    empty = _by_column(checks.validate_raw_source(settings, con, "populations"))["rows_loaded"]
    assert not empty["passed"] and empty["severity"] == BLOCKING and empty["message"].endswith("— table vide")
    pub = duckdb.connect(str(settings.published_path))
    _load_populations(pub, 100)
    pub.close()
    _load_populations(con, 30)                      # 70 % of the rows gone (max_row_drop 50 %): blocking
    drop = _by_column(checks.validate_raw_source(settings, con, "populations"))["rows_loaded"]
    assert not drop["passed"] and drop["severity"] == BLOCKING
    assert "30 ligne(s) contre 100" in drop["message"] and "hors des bornes autorisées" in drop["message"]
    _load_populations(con, 95)
    assert _by_column(checks.validate_raw_source(settings, con, "populations"))["rows_loaded"]["passed"]
    con.close()


def test_raw_profile_warns_on_an_empty_optional_source_and_on_emptied_columns(tmp_path):
    settings = _settings(tmp_path)
    pub = duckdb.connect(str(settings.published_path))
    _load_populations(pub, 100)
    pub.close()
    con = duckdb.connect(str(tmp_path / "build.duckdb"))
    _load_populations(con, 100, com=None, pcap=False)   # COM entirely empty; PCAP filled 10 % against 100 %
    out = _by_column(checks.validate_raw_source(settings, con, "populations"))
    assert [k for k, o in out.items() if not o["passed"]] == ["filled_share[COM]", "filled_drop[COM]",
                                                             "filled_drop[PCAP]"]
    assert all(out[k]["severity"] == WARNING for k in ("filled_share[COM]", "filled_drop[COM]", "filled_drop[PCAP]"))
    assert out["filled_share[COM]"]["message"] == \
        "COM (nom de la commune) : 0\u202f% de valeurs renseignées — colonne entièrement vide"
    assert out["filled_drop[PCAP]"]["message"].startswith(
        "PCAP (population comptée à part) : 10\u202f% de valeurs renseignées, 100\u202f% dans la publication")
    # An optional source with no rows yet (here the surveys, no wave received): a warning, never blocking.
    con.execute("create or replace table raw.surveys as select 1 as annee where false")
    con.execute("insert into raw._manifest values ('surveys', 'inbox', 'enquete.csv', 0, 0, 0, now())")
    surveys = _by_column(checks.validate_raw_source(settings, con, "surveys"))["rows_loaded"]
    assert not surveys["passed"] and surveys["severity"] == WARNING
    assert surveys["message"].startswith("raw.surveys : source vide (") and "publication sans elle" in surveys["message"]
    con.close()


def test_mart_row_counts_against_the_publication(tmp_path):
    settings = _settings(tmp_path)
    pub = duckdb.connect(str(settings.published_path))
    pub.execute("create schema marts")
    for name, n in (("fct_a", 100), ("fct_b", 100), ("quality_list", 100), ("fct_empty", 0)):
        pub.execute(f"create table marts.{name} as select * from range({n})")
    pub.close()
    con = duckdb.connect(str(tmp_path / "build.duckdb"))
    con.execute("create schema marts")
    for name, n in (("fct_a", 95), ("fct_b", 10), ("quality_list", 0), ("fct_empty", 0), ("fct_new", 5)):
        con.execute(f"create table marts.{name} as select * from range({n})")
    tables = [f"marts.{t}" for t in ("fct_a", "fct_b", "quality_list", "fct_empty", "fct_new")]
    out = checks.mart_row_counts(settings, con, tables)
    con.close()
    assert {t: (o["passed"], o["severity"]) for t, o in out.items()} == {
        "marts.fct_a": (True, BLOCKING), "marts.fct_b": (False, BLOCKING),       # 90 % of the rows gone
        "marts.quality_list": (True, WARNING),                                  # no problem left: good news
        "marts.fct_empty": (True, WARNING), "marts.fct_new": (True, BLOCKING)}  # first publication of fct_new
    assert out["marts.fct_b"]["message"].startswith("marts.fct_b : 10 ligne(s) contre 100 dans la publication")
    assert out["marts.fct_b"]["check_name"] == checks.ROW_COUNT


def test_dbt_tests_of_the_run_are_reported_in_french(tmp_path):
    """The run report reads the dbt tests of the run from dbt's artifacts (the folder dagster-dbt gives the
    run): a failed blocking test names its model and, for column_conventions, the broken rules with examples."""
    run_id = "abcdef12-0000-0000-0000-000000000000"
    folder = tmp_path / f"observatoire_dbt-{run_id[:7]}-1234567"
    folder.mkdir()
    model = {"resource_type": "model", "schema": "marts", "name": "fct_demo"}
    nodes = {"model.o.fct_demo": model,
             "test.o.cc": {"resource_type": "test", "name": "column_conventions_fct_demo",
                           "attached_node": "model.o.fct_demo", "schema": "dbt_test__audit",
                           "alias": "column_conventions_fct_demo", "config": {"severity": "ERROR"},
                           "test_metadata": {"name": "column_conventions", "kwargs": {}}},
             "test.o.nn": {"resource_type": "test", "name": "not_null_fct_demo_x", "attached_node": "model.o.fct_demo",
                           "column_name": "x", "config": {"severity": "warn"},
                           "test_metadata": {"name": "not_null", "kwargs": {"column_name": "x"}}},
             "test.o.skipped": {"resource_type": "test", "name": "unique_fct_demo_x",
                                "attached_node": "model.o.fct_demo", "config": {"severity": "ERROR"}}}
    (folder / "manifest.json").write_text(json.dumps({"nodes": nodes, "sources": {}}), encoding="utf-8")
    (folder / "run_results.json").write_text(json.dumps({"results": [
        {"unique_id": "test.o.cc", "status": "fail", "failures": 2},
        {"unique_id": "test.o.nn", "status": "warn", "failures": 2},
        {"unique_id": "test.o.skipped", "status": "skipped", "failures": None}]}), encoding="utf-8")
    con = duckdb.connect(str(tmp_path / "build.duckdb"))
    con.execute("create schema dbt_test__audit")
    con.execute("create table dbt_test__audit.column_conventions_fct_demo as select * from (values "
                "('share_x', 'part entre 0 et 1', 'error', '1.5'), ('share_x', 'part entre 0 et 1', 'error', '2.0'), "
                "('commune_code', 'code commune INSEE valide', 'error', '1053'), "
                "('distance_km', 'distance entre 0 et 20 100 km', 'warn', '20200.0')) t(column_name, rule, level, value)")
    outcomes = report.dbt_test_outcomes(con, run_id, target=tmp_path)
    assert report.dbt_test_outcomes(con, "0123456-other-run", target=tmp_path) == []
    con.close()
    assert [(a, o["check_name"], o["severity"], o["passed"]) for a, o in outcomes] == [
        ("marts/fct_demo", "column_conventions_fct_demo", BLOCKING, False),
        ("marts/fct_demo", "not_null_fct_demo_x", WARNING, False)]
    assert outcomes[0][1]["message"] == (
        "conventions des noms de colonnes — commune_code : code commune INSEE valide, 1 ligne(s) en défaut "
        "(par ex. 1053) [bloquant]; share_x : part entre 0 et 1, 2 ligne(s) en défaut (par ex. 1.5, 2.0) [bloquant]; "
        "distance_km : distance entre 0 et 20 100 km, 1 ligne(s) en défaut (par ex. 20200.0) [avertissement]")
    assert outcomes[1][1]["message"] == "x renseigné — 2 ligne(s) en défaut"


def test_every_mart_and_source_checked_by_the_refresh_and_reported(demo_run, demo_warehouse):
    """In the demo refresh every dbt test ran in `dbt build` as a Dagster asset check (column_conventions of
    every mart included), every mart got its row-count check and every raw source its Great Expectations
    check; the run report (ops.refresh_checks) records them all, none failed."""
    settings, result = demo_run
    evaluations = [e.event_specific_data for e in result.all_events if e.event_type_value == "ASSET_CHECK_EVALUATION"]
    marts = {r[0] for r in demo_warehouse.execute("select table_name from information_schema.tables "
                                                  "where table_schema = 'marts'").fetchall()}
    by_name: dict[str, set] = {}
    for e in evaluations:
        by_name.setdefault(e.check_name, set()).add("/".join(e.asset_key.path))
    assert by_name["row_count"] == {f"marts/{m}" for m in marts}
    assert by_name["great_expectations"] == {f"raw/{s}" for s in settings.sources}
    assert {m for m in marts if by_name.get(f"column_conventions_{m}_") == {f"marts/{m}"}} == marts
    assert [(e.asset_key.path[-1], e.check_name, e.description) for e in evaluations if not e.passed] == []
    manifest = json.loads(result.dbt_manifest.read_text(encoding="utf-8"))
    tests = {n["name"] for n in manifest["nodes"].values() if n["resource_type"] == "test"}
    assert len(tests) > 200 and len(tests & set(by_name)) > 0.9 * len(tests)
    assert {"unique_combination_of_columns_fct_access_territory_territory_level__territory_code__kind__distance_km",
            "not_null_dim_commune_commune_code"} <= set(by_name)

    recorded = dict(((asset, check), (passed, message)) for asset, check, passed, message in demo_warehouse.execute(
        "select asset, check_name, passed, message from ops.refresh_checks where run_id = ?", [result.run_id]).fetchall())
    assert [k for k, (passed, _) in recorded.items() if not passed] == []
    assert recorded[("marts/dim_commune", "column_conventions_dim_commune_")] == \
        (True, "conventions des noms de colonnes")
    assert recorded[("marts/dim_commune", "not_null_dim_commune_commune_code")] == (True, "commune_code renseigné")
    assert recorded[("marts/dim_commune", checks.ROW_COUNT)][1].startswith("marts.dim_commune : ")
    assert sum(1 for asset, check in recorded if check.startswith("column_conventions_")) == len(marts)
    assert any(asset == "raw/populations" and "rows_loaded" in check for asset, check in recorded)
    assert (settings.warehouse_dir / "data_docs" / result.run_id / "raw.populations.html").exists()


def test_old_dbt_run_folders_are_pruned(tmp_path):
    """dagster-dbt writes a ~10 MB folder per run under dbt's target/: only the newest are kept."""
    from orchestration.definitions import prune_dbt_targets

    for i in range(5):
        folder = tmp_path / f"observatoire_dbt-{i:07d}-abc"
        folder.mkdir()
        (folder / "manifest.json").write_text("{}", encoding="utf-8")
        os.utime(folder, (1_000_000 + i, 1_000_000 + i))
    (tmp_path / "manifest.json").write_text("{}", encoding="utf-8")   # the project's own artifacts stay
    removed = prune_dbt_targets(tmp_path, keep=2)
    assert sorted(p.name for p in removed) == [f"observatoire_dbt-{i:07d}-abc" for i in range(3)]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["manifest.json", "observatoire_dbt-0000003-abc",
                                                          "observatoire_dbt-0000004-abc"]
