"""The run report of each refresh: sources read/loaded/rejected, checks passed/failed, outcome.

During a run the report is written into the build file (schema ``ops``), so a published warehouse
carries the report of the run that built it and of every earlier run. A failed run publishes
nothing: its report is also written as JSON in ``<warehouse>/reports/<run_id>.json`` (every run
gets one), and the next publication imports the failed runs' reports into ``ops``.

Tables (contract with the dashboard's quality page):
``ops.refresh_runs(run_id, started_at, finished_at, status 'succès'|'échec', published, message)``,
``ops.refresh_sources(run_id, source, rows_read, rows_loaded, rows_rejected, fetched_at, stale)``,
``ops.refresh_checks(run_id, asset, check_name, severity 'bloquant'|'avertissement', passed, message)``.

The checks of a run are the raw files' and the marts' row counts (recorded by their Dagster checks,
:mod:`orchestration.checks`) and every dbt test ``dbt build`` ran (:func:`dbt_test_outcomes`, read from
dbt's artifacts of the run).
"""

from __future__ import annotations

import json
import os
import re
from datetime import datetime, timezone
from pathlib import Path

import duckdb

from ingest.config import PROJECT_ROOT, Settings

OPS_DDL = """
create schema if not exists ops;
create table if not exists ops.refresh_runs (run_id varchar, started_at timestamp, finished_at timestamp,
    status varchar, published boolean, message varchar);
create table if not exists ops.refresh_sources (run_id varchar, source varchar, rows_read bigint,
    rows_loaded bigint, rows_rejected bigint, fetched_at varchar, stale boolean);
create table if not exists ops.refresh_checks (run_id varchar, asset varchar, check_name varchar,
    severity varchar, passed boolean, message varchar);
"""

SUCCESS, FAILURE = "succès", "échec"
BLOCKING, WARNING = "bloquant", "avertissement"
# dbt's target folder (manifest, partial parse, one folder per dbt invocation): dbt_project/target, or dbt's own
# DBT_TARGET_PATH when set (relative to dbt_project/), which dagster-dbt follows too; the tests' workers set it.
DBT_TARGET = PROJECT_ROOT / "dbt_project" / os.environ.get("DBT_TARGET_PATH", "target")


def ensure_ops(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(OPS_DDL)


def reports_dir(settings: Settings) -> Path:
    return settings.warehouse_dir / "reports"


def record_source(con, run_id: str, source: str, rows_read: int, rows_loaded: int, rows_rejected: int,
                  fetched_at: str, stale: bool) -> None:
    ensure_ops(con)
    con.execute("delete from ops.refresh_sources where run_id = ? and source = ?", [run_id, source])
    con.execute("insert into ops.refresh_sources values (?, ?, ?, ?, ?, ?, ?)",
                [run_id, source, rows_read, rows_loaded, rows_rejected, fetched_at, stale])


def record_checks(con, run_id: str, asset: str, outcomes: list[dict]) -> None:
    record_many_checks(con, run_id, [(asset, outcomes)])


def record_many_checks(con, run_id: str, by_asset: list[tuple[str, list[dict]]]) -> None:
    """The outcomes of the checks of several assets, replacing those this run recorded before, in
    one statement (a row-by-row insert costs ~1 ms per outcome: 0.3 s for the marts' suites)."""
    ensure_ops(con)
    con.execute("delete from ops.refresh_checks where run_id = ? and list_contains(?, asset)",
                [run_id, [asset for asset, _ in by_asset]])
    _insert_checks(con, [(run_id, asset, o) for asset, outcomes in by_asset for o in outcomes])


def _insert_checks(con, rows: list[tuple[str, str, dict]]) -> None:
    """(run id, asset, outcome) rows into ops.refresh_checks, in one statement."""
    import pyarrow as pa

    if not rows:
        return
    columns = {"run_id": [r[0] for r in rows], "asset": [r[1] for r in rows]}
    columns |= {k: [r[2][k] for r in rows] for k in ("check_name", "severity", "passed", "message")}
    con.register("_checks_batch", pa.table(columns))
    try:
        con.execute("insert into ops.refresh_checks select * from _checks_batch")
    finally:
        con.unregister("_checks_batch")


def _rows(con, sql: str, params: list) -> list[dict]:
    cur = con.execute(sql, params)
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r)) for r in cur.fetchall()]


def collect(settings: Settings, run_id: str) -> dict:
    """Sources and checks recorded by ``run_id`` in the build file (empty when there is none)."""
    build = settings.build_path
    if not build.exists():
        return {"sources": [], "checks": []}
    try:
        con = duckdb.connect(str(build), read_only=True)
    except duckdb.Error:
        return {"sources": [], "checks": []}
    try:
        if not con.execute("select count(*) from information_schema.tables where table_schema = 'ops'"
                           ).fetchone()[0]:
            return {"sources": [], "checks": []}
        checks = _rows(con, "select asset, check_name, severity, passed, message from ops.refresh_checks "
                            "where run_id = ? order by asset, check_name", [run_id])
        recorded = {(c["asset"], c["check_name"]) for c in checks}
        checks += [{"asset": asset, **o} for asset, o in dbt_test_outcomes(con, run_id)
                   if (asset, o["check_name"]) not in recorded]   # a failed dbt build: not recorded yet
        return {
            "sources": _rows(con, "select source, rows_read, rows_loaded, rows_rejected, fetched_at, stale "
                                  "from ops.refresh_sources where run_id = ? order by source", [run_id]),
            "checks": sorted(checks, key=lambda c: (c["asset"], c["check_name"])),
        }
    finally:
        con.close()


def dbt_test_outcomes(con, run_id: str, target: Path = DBT_TARGET) -> list[tuple[str, dict]]:
    """The dbt tests the dbt build of ``run_id`` ran, as (asset, outcome) for ``ops.refresh_checks``.

    Read from the artifacts dagster-dbt keeps for each dbt invocation (``target/<op>-<run_id[:7]>-<id>/``:
    ``run_results.json`` and ``manifest.json``); the asset is the tested model's (``marts/dim_commune``).
    A test dbt skipped (its model failed) is left out. A failing test of severity ``error`` is *bloquant*,
    a test of severity ``warn`` an *avertissement*. The message of a failing ``column_rules`` test
    quotes the rows it stored (``dbt_test__audit``): column, rule, rows, examples; ``con`` is the build file.
    """
    out: list[tuple[str, dict]] = []
    for folder in sorted(target.glob(f"*-{run_id[:7]}-*")):
        if not (folder / "run_results.json").exists() or not (folder / "manifest.json").exists():
            continue
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        nodes, sources = manifest.get("nodes", {}), manifest.get("sources", {})
        for result in json.loads((folder / "run_results.json").read_text(encoding="utf-8")).get("results", []):
            node = nodes.get(result["unique_id"])
            if node is None or node.get("resource_type") != "test" or result["status"] not in ("pass", "warn", "fail",
                                                                                                "error"):
                continue
            tested = nodes.get(node.get("attached_node") or "") or next(
                (nodes.get(d) or sources.get(d) for d in node.get("depends_on", {}).get("nodes", [])
                 if d.startswith(("model.", "source.", "seed."))), None)
            asset = "dbt/tests" if tested is None else "/".join(
                [tested.get("source_name") or tested["schema"], tested["name"]])
            warn = str(node.get("config", {}).get("severity", "error")).lower() == "warn" or result["status"] == "warn"
            out.append((asset, {"check_name": node["name"], "severity": WARNING if warn else BLOCKING,
                                "passed": result["status"] == "pass", "message": _dbt_message(con, node, result)}))
    return out


def _dbt_label(node: dict) -> str:
    """What a dbt test checks, in French."""
    label = ((node.get("config") or {}).get("meta") or {}).get("label")
    if label:                                # a singular test says what it checks: config(meta={'label': ...})
        return label
    meta = node.get("test_metadata") or {}
    kwargs = meta.get("kwargs") or {}
    name, column = meta.get("name"), node.get("column_name") or kwargs.get("column_name")
    if name == "column_rules":
        return "règles des colonnes"
    if name == "unique":
        return f"{column} unique"
    if name == "unique_combination_of_columns":
        return f"une ligne par ({', '.join(kwargs.get('columns') or [])})"
    if name == "relationships":
        return f"{column} présent dans {str(kwargs.get('to', '')).replace('ref(', '').strip(')').strip(chr(39))}"
    if name == "expression_is_true":
        return f"{column} vérifie « {kwargs.get('expression')} »"
    return f"test {node['name']}"


def _dbt_message(con, node: dict, result: dict) -> str:
    """The test's label and, when it failed, how (French): rows in error; for ``column_rules`` the
    column, the rule, its level, the rows and a few values of each broken rule (the rows the test stored:
    its ``failures`` is a level, not a count, see dbt_project/macros/column_rules.sql); a value missing
    where one is required has no example."""
    label = _dbt_label(node)
    if result["status"] == "pass":
        return label
    if result["status"] == "error":
        return f"{label} — erreur : {(result.get('message') or '').strip()}"
    failures = result.get("failures")
    detail = f"{failures} ligne(s) en défaut" if failures is not None else (result.get("message") or "")
    if (node.get("test_metadata") or {}).get("name") != "column_rules" and failures \
            and (node.get("config") or {}).get("store_failures") and node.get("schema"):
        try:                                  # a test that stores its failures with a French `message` column
            messages = [m for (m,) in con.execute(
                f'select message from "{node["schema"]}"."{node.get("alias") or node["name"]}" order by all limit 3'
            ).fetchall()]
        except duckdb.Error:
            messages = []
        if messages:
            detail += " : " + " ; ".join(messages) + (" ; ..." if failures > len(messages) else "")
    if (node.get("test_metadata") or {}).get("name") == "column_rules":
        try:
            rows = con.execute(
                f"select column_name, rule, level, count(*), "
                f"(list(distinct value order by value) filter (where value is not null))[1:3] "
                f'from "{node["schema"]}"."{node.get("alias") or node["name"]}" group by column_name, rule, level '
                f"order by level = 'warn', column_name, rule").fetchall()
        except duckdb.Error:
            rows = []
        detail = ("au moins une règle bloquante enfreinte" if failures == 2 else "avertissements")
        if rows:
            detail = "; ".join(f"{col} : {rule}, {n} ligne(s) en défaut"
                               + (f" (par ex. {', '.join(str(v) for v in examples)})"
                                  if examples else "")
                               + (" [avertissement]" if level == "warn" else " [bloquant]")
                               for col, rule, level, n, examples in rows)
    return f"{label} — {detail}"


def record_dbt_tests(con, run_id: str) -> int:
    """Record in ``ops.refresh_checks`` the dbt tests of ``run_id`` (:func:`dbt_test_outcomes`). Returns how many."""
    ensure_ops(con)
    outcomes = dbt_test_outcomes(con, run_id)
    con.execute("delete from ops.refresh_checks where run_id = ? and list_contains(?, check_name)",
                [run_id, [o["check_name"] for _, o in outcomes]])
    _insert_checks(con, [(run_id, asset, o) for asset, o in outcomes])
    return len(outcomes)


OUR_ERRORS = ("IngestError", "FetchError", "ContractError", "ConfigError", "OutdatedPublicationError",
              "OpenDataError")


def french_reason(error) -> str:
    """The French reason of a failed step, from Dagster's serialisable error (``error.message``, ``cause``,
    ``context``): the message of our own error (a refused source, a download that failed, a configuration
    error) rather than Dagster's English wrapper; a full or read-only disk said in French; else the deepest
    message of the chain."""
    chain, seen = [], error
    while seen is not None and len(chain) < 20:
        chain.append(seen)
        seen = getattr(seen, "cause", None) or getattr(seen, "context", None)
    for e in chain:
        if getattr(e, "cls_name", None) in OUR_ERRORS:
            return e.message.split(": ", 1)[-1].strip() if e.message.startswith(("ingest.", "orchestration.")) \
                else e.message.strip()
    for e in chain:
        if getattr(e, "cls_name", None) == "DagsterDbtCliRuntimeError":
            return dbt_failure_reason(e.message or "")
    for e in chain:
        text = e.message or ""
        if "No space left on device" in text or "Errno 28" in text:
            return ("disque plein : l'entrepôt en construction n'a pas pu être écrit. Libérez de la place sur le "
                    "disque de l'entrepôt puis relancez le rafraîchissement. (" + text.strip()[:200] + ")")
        if "Read-only file system" in text or "Errno 30" in text or "Permission denied" in text:
            return ("disque en lecture seule ou droits insuffisants : l'entrepôt en construction n'a pas pu être "
                    "écrit. Vérifiez le disque et les droits du dossier de l'entrepôt, puis relancez. ("
                    + text.strip()[:200] + ")")
    return (chain[-1].message or "").strip() if chain else ""


def dbt_failure_reason(message: str) -> str:
    """French reason of a failed ``dbt build`` (dagster-dbt's DagsterDbtCliRuntimeError): the tests and
    models that failed, where the detail is (the blocking checks of the run report) and dbt's log."""
    tests = list(dict.fromkeys(re.findall(r"Failure in test (\S+)", message)))
    models = list(dict.fromkeys(re.findall(r"(?:Database |Compilation |Runtime )?Error in (?:model|seed|snapshot) (\S+)",
                                           message)))
    log = re.search(r"view the dbt debug log: (\S+?)\.?(?:\s|$)", message)
    parts = []
    if tests:
        parts.append(f"test(s) dbt bloquant(s) en échec : {', '.join(tests)} (le détail est dans les contrôles "
                     "bloquants du rapport)")
    if models:
        parts.append(f"modèle(s) dbt en erreur : {', '.join(models)}")
    if not parts:
        parts.append("la construction dbt a échoué")
    return "; ".join(parts) + " : rien n'a été publié." + (f" Journal dbt : {log.group(1)}" if log else "")


def step_failure_lines(events) -> list[str]:
    """« Échec de l'étape <step> : <French reason> » for each STEP_FAILURE event (Dagster event log entries
    or events)."""
    lines = []
    for event in events:
        dagster_event = getattr(event, "dagster_event", None) or event
        if not getattr(dagster_event, "is_step_failure", False):
            continue
        error = dagster_event.event_specific_data.error
        lines.append(f"Échec de l'étape {dagster_event.step_key} : {french_reason(error) if error else ''}")
    return lines


def write_json(settings: Settings, report: dict) -> Path:
    folder = reports_dir(settings)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{report['run_id']}.json"
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(report, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    tmp.replace(path)
    return path


def failed_run_report(settings: Settings, run_id: str, started_at: datetime | None, message: str) -> Path:
    """Write the JSON report of a failed run (idempotent: an existing report is kept)."""
    path = reports_dir(settings) / f"{run_id}.json"
    if path.exists():
        return path
    report = {"run_id": run_id, "started_at": started_at, "finished_at": datetime.now(timezone.utc).replace(tzinfo=None),
              "status": FAILURE, "published": False, "message": message, **collect(settings, run_id)}
    return write_json(settings, report)


def import_reports(con, settings: Settings) -> int:
    """Copy into ``ops`` the JSON reports of runs it does not know yet (failed runs). Returns how many."""
    ensure_ops(con)
    known = {r[0] for r in con.execute("select run_id from ops.refresh_runs").fetchall()}
    n = 0
    for path in sorted(reports_dir(settings).glob("*.json")) if reports_dir(settings).is_dir() else []:
        rep = json.loads(path.read_text(encoding="utf-8"))
        if rep["run_id"] in known:
            continue
        con.execute("insert into ops.refresh_runs values (?, ?, ?, ?, ?, ?)",
                    [rep["run_id"], rep.get("started_at"), rep.get("finished_at"), rep["status"],
                     rep["published"], rep.get("message", "")])
        con.execute("delete from ops.refresh_sources where run_id = ?", [rep["run_id"]])
        for s in rep.get("sources", []):
            record_source(con, rep["run_id"], s["source"], s["rows_read"], s["rows_loaded"], s["rows_rejected"],
                          s["fetched_at"], s["stale"])
        con.execute("delete from ops.refresh_checks where run_id = ?", [rep["run_id"]])
        _insert_checks(con, [(rep["run_id"], c["asset"], c) for c in rep.get("checks", [])])
        n += 1
    return n


def record_success(con, settings: Settings, run_id: str, started_at: datetime | None) -> dict:
    """Insert the row of this (about to be published) run and return its full report."""
    ensure_ops(con)
    import_reports(con, settings)
    record_dbt_tests(con, run_id)
    finished = datetime.now(timezone.utc).replace(tzinfo=None)
    failed = con.execute("select count(*) from ops.refresh_checks where run_id = ? and not passed",
                         [run_id]).fetchone()[0]
    message = "Publication réussie" + (f" ({failed} avertissement(s) de qualité)" if failed else "")
    con.execute("delete from ops.refresh_runs where run_id = ?", [run_id])
    con.execute("insert into ops.refresh_runs values (?, ?, ?, ?, ?, ?)",
                [run_id, started_at, finished, SUCCESS, True, message])
    return {"run_id": run_id, "started_at": started_at, "finished_at": finished, "status": SUCCESS,
            "published": True, "message": message,
            "sources": _rows(con, "select source, rows_read, rows_loaded, rows_rejected, fetched_at, stale "
                                  "from ops.refresh_sources where run_id = ? order by source", [run_id]),
            "checks": _rows(con, "select asset, check_name, severity, passed, message from ops.refresh_checks "
                                 "where run_id = ? order by asset, check_name", [run_id])}
