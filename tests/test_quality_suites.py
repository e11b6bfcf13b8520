"""Great Expectations suites of the marts: one per mart of the dbt project, derived from its dbt tests
and its column names, run by the refresh as blocking Dagster asset checks (orchestration.checks)."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

from ingest.config import PROJECT_ROOT
from orchestration import checks
from orchestration.report import BLOCKING, WARNING

MANIFEST = PROJECT_ROOT / "dbt_project" / "target" / "manifest.json"


def _suites(demo_run) -> dict:
    return checks.mart_rules(json.loads(Path(MANIFEST).read_text(encoding="utf-8")))


def test_every_mart_has_a_suite_from_its_dbt_tests_and_columns(demo_run):
    suites = _suites(demo_run)
    settings, _ = demo_run
    con = duckdb.connect(str(settings.published_path), read_only=True)
    marts = {r[0] for r in con.execute("select table_name from information_schema.tables "
                                       "where table_schema = 'marts'").fetchall()}
    con.close()
    assert marts and set(suites) == marts
    by_kind = {(r.expectation, json.dumps(r.kwargs, sort_keys=True)): r.severity for r in suites["fct_access_territory"]}
    assert by_kind[("ExpectCompoundColumnsToBeUnique", json.dumps(
        {"column_list": ["territory_level", "territory_code", "kind", "distance_km"]}, sort_keys=True))] == BLOCKING
    assert by_kind[("ExpectColumnValuesToBeBetween", json.dumps(
        {"column": "share_within", "max_value": 1, "min_value": 0}, sort_keys=True))] == BLOCKING
    place = {r.expectation: r for r in suites["dim_place"] if r.kwargs.get("column") == "place_family"}
    assert "tiers_lieu" in place["ExpectColumnValuesToBeInSet"].kwargs["value_set"]
    assert any(r.kwargs == {"column": "commune_code", "regex": f"^{checks.INSEE_COMMUNE}$"} and r.severity == BLOCKING
               for r in suites["fct_access_commune_kind"])
    # Codes as the publishers wrote them are not held to the harmonised format.
    assert not any(r.kwargs.get("column") == "published_commune_code" for rules in suites.values() for r in rules)


def test_dbt_leaves_out_exactly_the_tests_the_suites_evaluate(demo_run):
    """The dbt tests turned into GE expectations run once, in GE: ``dbt build`` excludes them with four
    criteria (not a hundred names, ~1 s of every build), and dbt itself, asked which tests those
    criteria select, names exactly the tests of the suites; the other tests (relationships,
    expressions, singular tests, those of intermediate models and seeds) stay in dbt."""
    import os
    import subprocess
    import sys

    manifest = json.loads(Path(MANIFEST).read_text(encoding="utf-8"))
    in_suites = set(checks.dbt_tests_in_suites(manifest))
    criteria = checks.dbt_exclude_criteria(manifest)
    assert len(criteria) == 4 and len(in_suites) > 90
    settings, _ = demo_run
    listed = subprocess.run(
        [str(Path(sys.executable).parent / "dbt"), "ls", "--resource-type", "test", "--select", *criteria,
         "--output", "name", "--quiet"], cwd=PROJECT_ROOT / "dbt_project", capture_output=True, text=True,
        env=os.environ | {"DBT_PROFILES_DIR": str(PROJECT_ROOT / "dbt_project"),
                          "OBSERVATOIRE_BUILD_DB": str(settings.build_path)}, check=True)
    assert set(listed.stdout.split()) == in_suites
    kept = {n["name"] for n in manifest["nodes"].values() if n["resource_type"] == "test"} - in_suites
    assert "not_null_int_survey_matches_survey_place_key" in kept and "unique_ref_regions_region_code" in kept


def test_every_mart_was_checked_by_the_refresh_and_passed(demo_run, demo_warehouse):
    settings, result = demo_run
    evaluations = [e.event_specific_data for e in result.all_events if e.event_type_value == "ASSET_CHECK_EVALUATION"
                   and e.event_specific_data.check_name == "great_expectations"
                   and e.event_specific_data.asset_key.path[0] == "marts"]
    assert {"/".join(e.asset_key.path) for e in evaluations} == {f"marts/{m}" for m in _suites(demo_run)}
    assert [(e.asset_key.path[-1], e.description) for e in evaluations if not e.passed] == []
    n, failed = demo_warehouse.execute(
        "select count(*), count(*) filter (where not passed) from ops.refresh_checks "
        "where asset like 'marts/%' and run_id = ?", [result.run_id]).fetchone()
    assert n > 300 and failed == 0


def test_broken_mart_fails_its_blocking_expectations(tmp_path, demo_run):
    """A mart whose key is duplicated, whose share exceeds 1 and whose commune code lost its leading zero
    fails blocking expectations, with the count over the whole table and examples; a plausible but odd
    rate is only a warning."""
    settings, _ = demo_run
    rules = checks.mart_rules({"nodes": {
        "model.x.fct_demo": {"resource_type": "model", "schema": "marts", "name": "fct_demo",
                             "columns": {"commune_code": {}, "share_within": {}, "response_rate": {}, "label": {}}},
        "test.x.unique": {"resource_type": "test", "attached_node": "model.x.fct_demo", "column_name": "commune_code",
                          "test_metadata": {"name": "unique", "kwargs": {"column_name": "commune_code"}}}}})["fct_demo"]
    con = duckdb.connect(str(tmp_path / "m.duckdb"))
    con.execute("create schema marts")
    con.execute("create table marts.fct_demo as select * from (values ('01001', 0.5, 0.5, 'a'), ('01001', 0.2, 0.2, 'b'), "
                "('1053', 1.5, 1.2, 'c'), ('2A004', 0.0, 0.0, 'd')) t(commune_code, share_within, response_rate, label)")
    outcomes = {o["message"].split(" — ")[0]: o for o in checks.validate_table(settings, con, "marts.fct_demo", rules)}
    assert not outcomes["commune_code unique"]["passed"] and outcomes["commune_code unique"]["severity"] == BLOCKING
    assert "2 valeur(s) en défaut sur 4" in outcomes["commune_code unique"]["message"]
    assert not outcomes["commune_code : code commune INSEE valide"]["passed"]
    assert "1053" in outcomes["commune_code : code commune INSEE valide"]["message"]
    share = outcomes["share_within : part entre 0 et 1"]
    assert not share["passed"] and share["severity"] == BLOCKING and "1 valeur(s) en défaut sur 4" in share["message"]
    rate = outcomes["response_rate : taux entre 0 et 1"]
    assert not rate["passed"] and rate["severity"] == WARNING
    assert not any(k.startswith("label") for k in outcomes)   # no rule for a free-text column


def test_ge_worker_gives_the_in_process_results_and_survives_its_death(tmp_path, demo_run, monkeypatch):
    """Great Expectations runs in a worker process started with the run (its ~2 s import overlaps the
    ingestion): same outcomes as in process, and a dead worker falls back to the in-process path."""
    settings, _ = demo_run
    rules = [checks.Rule("ExpectColumnValuesToBeUnique", {"column": "code"}, BLOCKING, "code unique"),
             checks.Rule("ExpectColumnValuesToBeBetween", {"column": "share", "min_value": 0, "max_value": 1},
                         BLOCKING, "share : part entre 0 et 1")]
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    con.execute("create schema marts")
    con.execute("create table marts.t as select * from (values ('a', 0.5), ('a', 1.5), ('b', 0.1)) v(code, share)")
    checks.warm_up()
    pool = checks._POOL
    assert pool is not None
    in_worker = checks.validate_table(settings, con, "marts.t", rules, previous=None)
    assert [o["passed"] for o in in_worker[:2]] == [False, False]
    for process in list(pool._processes.values()):
        process.kill()
        process.join()
    after_death = checks.validate_table(settings, con, "marts.t", rules, previous=None)
    assert checks._POOL is None                     # the broken worker is dropped...
    monkeypatch.setenv("OBSERVATOIRE_GX_WORKER", "0")
    checks.warm_up()
    assert checks._POOL is None                     # ...and none is started when switched off
    in_process = checks.validate_table(settings, con, "marts.t", rules, previous=None)
    assert in_worker == after_death == in_process


def test_marts_validation_is_reused_for_an_unchanged_content_only(tmp_path, demo_run):
    """validate_tables(reuse=True) gives back the outcomes of an earlier validation of the same content
    with the same rules (ops.validation_cache), the row-count change measured again; a changed row,
    a changed column type or other rules validate again."""
    settings, _ = demo_run
    rules = [checks.Rule("ExpectColumnValuesToBeBetween", {"column": "share", "min_value": 0, "max_value": 1},
                         BLOCKING, "share : part entre 0 et 1"),
             checks.Rule("ExpectColumnValuesToNotBeNull", {"column": "code"}, WARNING, "code renseigné")]
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    con.execute("create schema marts")
    con.execute("create table marts.t as select * from (values ('a', 0.5), ('b', 0.1), (null, 0.2)) v(code, share)")

    def validate(with_rules=rules, previous=None):
        return checks.validate_tables(settings, con, [("marts.t", with_rules)], {"marts.t": previous},
                                      reuse=True)["marts.t"]

    first = validate()
    assert [o["passed"] for o in first] == [True, False, True] and not any("reused_from" in o for o in first)
    again = validate(previous=100)   # same content: reused, except the row-count change (3 rows against 100)
    assert [o.get("reused_from") is not None for o in again] == [True, True, False]
    assert [{k: v for k, v in o.items() if k != "reused_from"} for o in again[:2]] == first[:2]
    assert not again[2]["passed"]
    # The same rows in another physical order are the same content.
    con.execute("create or replace table marts.t as select * from (values (null, 0.2), ('b', 0.1), ('a', 0.5)) "
                "v(code, share)")
    assert validate()[0].get("reused_from")
    con.execute("update marts.t set share = 1.5 where code = 'a'")
    changed = validate()
    assert not changed[0]["passed"] and "1 valeur(s) en défaut sur 3" in changed[0]["message"]
    assert not any("reused_from" in o for o in changed)
    assert validate()[0].get("reused_from") and not validate()[0]["passed"]   # a failure is reused too
    con.execute("create or replace table marts.t as select code, share::decimal(4, 2) as share from marts.t")
    assert not any("reused_from" in o for o in validate())                    # another column type
    assert not any("reused_from" in o for o in validate(rules[:1]))           # other rules
    assert con.execute("select count(*) from ops.validation_cache").fetchone() == (1,)   # the last one per table
    con.close()


def test_raw_checks_do_not_wait_for_ge_but_the_publication_does(tmp_path, demo_run):
    """A raw source whose expectations SQL finds unbroken gets its outcomes at once (dbt does not wait
    for GE's import); GE's validation is awaited by the publication, which learns of any expectation
    GE fails nonetheless (here a set of texts against whole numbers: SQL compares them as text, GE
    does not). When SQL finds offending rows, GE's result is awaited at once."""
    settings, _ = demo_run
    rules = [checks.Rule("ExpectColumnValuesToBeUnique", {"column": "code"}, BLOCKING, "code unique"),
             checks.Rule("ExpectColumnValuesToBeInSet", {"column": "n", "value_set": ["1", "2"]}, BLOCKING,
                         "n parmi 1, 2")]
    con = duckdb.connect(str(tmp_path / "r.duckdb"))
    con.execute("create schema raw")
    con.execute("create table raw.t as select * from (values (1, 'a'), (2, 'b')) v(n, code)")
    checks.warm_up()
    outcomes = checks.validate_raw_table(settings, con, "raw.t", rules, "run-a")
    assert [o["passed"] for o in outcomes[:2]] == [True, True] and "run-a" in checks._PENDING
    from orchestration import report

    report.record_checks(con, "run-a", "raw/t", outcomes)
    failed = checks.confirm_pending("run-a")
    assert [(table, o["message"].split(" — ")[0]) for table, o in failed] == [("raw.t", "n parmi 1, 2")]
    assert checks.confirm_pending("run-a") == []
    report.overrule_checks(con, "run-a", [("raw/t", o) for _, o in failed])   # what the publication records
    recorded = dict(con.execute("select check_name, passed from ops.refresh_checks where run_id = 'run-a'").fetchall())
    assert len(recorded) == len(outcomes) and [n for n, ok in recorded.items() if not ok] == [failed[0][1]["check_name"]]
    con.execute("insert into raw.t values (3, 'a')")
    outcomes = checks.validate_raw_table(settings, con, "raw.t", rules, "run-b")
    assert not outcomes[0]["passed"] and "2 valeur(s) en défaut sur 3" in outcomes[0]["message"]
    assert "run-b" not in checks._PENDING


def test_old_dbt_run_folders_are_pruned(tmp_path):
    """dagster-dbt writes a ~10 MB folder per run under dbt's target/: only the newest are kept."""
    import os

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
