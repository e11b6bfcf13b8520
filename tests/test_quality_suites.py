"""Great Expectations suites of the marts: one per mart of the dbt project, derived from its column names
(what its dbt tests, run by ``dbt build``, do not state), run by the refresh as blocking Dagster asset
checks (orchestration.checks)."""

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


def test_every_mart_has_a_suite_from_its_columns_and_dbt_runs_its_tests(demo_run):
    suites = _suites(demo_run)
    settings, result = demo_run
    con = duckdb.connect(str(settings.published_path), read_only=True)
    marts = {r[0] for r in con.execute("select table_name from information_schema.tables "
                                       "where table_schema = 'marts'").fetchall()}
    con.close()
    assert marts and set(suites) == marts
    by_kind = {(r.expectation, json.dumps(r.kwargs, sort_keys=True)): r.severity for r in suites["fct_access_territory"]}
    assert by_kind[("ExpectColumnValuesToBeBetween", json.dumps(
        {"column": "share_within", "max_value": 1, "min_value": 0}, sort_keys=True))] == BLOCKING
    assert any(r.kwargs == {"column": "commune_code", "regex": f"^{checks.INSEE_COMMUNE}$"} and r.severity == BLOCKING
               for r in suites["fct_access_commune_kind"])
    # What a dbt test states is left to dbt: no second evaluation in GE.
    assert not any(r.expectation == "ExpectCompoundColumnsToBeUnique" for r in suites["fct_access_territory"])
    assert not any(r.expectation == "ExpectColumnValuesToBeUnique" and r.kwargs["column"] == "commune_code"
                   for r in suites["dim_commune"])
    # Codes as the publishers wrote them are not held to the harmonised format.
    assert not any(r.kwargs.get("column") == "published_commune_code" for rules in suites.values() for r in rules)
    # Every dbt test ran in the refresh's dbt build and is a Dagster asset check of its model.
    manifest = json.loads(Path(MANIFEST).read_text(encoding="utf-8"))
    tests = {n["name"] for n in manifest["nodes"].values() if n["resource_type"] == "test"}
    evaluated = {e.event_specific_data.check_name for e in result.all_events
                 if e.event_type_value == "ASSET_CHECK_EVALUATION"}
    assert "unique_combination_of_columns_fct_access_territory_territory_level__territory_code__kind__distance_km" \
        in evaluated and "not_null_dim_commune_commune_code" in evaluated
    assert len(tests) > 150 and len(tests & evaluated) > 0.9 * len(tests)


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
    assert n > 200 and failed == 0   # the dbt tests are asset checks of their own (dbt build)


def test_broken_mart_fails_its_blocking_expectations(tmp_path, demo_run):
    """A mart whose key is duplicated, whose share exceeds 1 and whose commune code lost its leading zero
    fails blocking expectations, with the count over the whole table and examples; a plausible but odd
    rate is only a warning."""
    settings, _ = demo_run
    rules = checks.mart_rules({"nodes": {
        "model.x.fct_demo": {"resource_type": "model", "schema": "marts", "name": "fct_demo",
                             "columns": {"commune_code": {}, "share_within": {}, "response_rate": {}, "label": {}}}}}
    )["fct_demo"] + [checks.Rule("ExpectColumnValuesToBeUnique", {"column": "commune_code"}, BLOCKING,
                                 "commune_code unique")]   # as in EXTRA_MART_RULES
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
