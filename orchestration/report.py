"""The run report of each refresh: sources read/loaded/rejected, checks passed/failed, outcome.

During a run the report is written into the build file (schema ``ops``), so a published warehouse
carries the report of the run that built it and of every earlier run. A failed run publishes
nothing: its report is also written as JSON in ``<warehouse>/reports/<run_id>.json`` (every run
gets one), and the next publication imports the failed runs' reports into ``ops``.

Tables (contract with the dashboard's quality page):
``ops.refresh_runs(run_id, started_at, finished_at, status 'succès'|'échec', published, message)``,
``ops.refresh_sources(run_id, source, rows_read, rows_loaded, rows_rejected, fetched_at, stale)``,
``ops.refresh_checks(run_id, asset, check_name, severity 'bloquant'|'avertissement', passed, message)``.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import duckdb

from ingest.config import Settings

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
        return {
            "sources": _rows(con, "select source, rows_read, rows_loaded, rows_rejected, fetched_at, stale "
                                  "from ops.refresh_sources where run_id = ? order by source", [run_id]),
            "checks": _rows(con, "select asset, check_name, severity, passed, message from ops.refresh_checks "
                                 "where run_id = ? order by asset, check_name", [run_id]),
        }
    finally:
        con.close()


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
