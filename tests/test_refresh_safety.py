"""Trustworthy refreshes: crash safety (SIGKILL at several points), readers during a refresh,
the quality gate (a blocking check stops the publication) and the failure notification."""

from __future__ import annotations

import http.server
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb

from ingest.config import PROJECT_ROOT, load_settings
from tests.conftest import seeded_config

FIGURES_SQL = """
select (select max(built_at) from marts.meta_publication)::varchar,
       (select count(*) from marts.dim_place where place_family = 'france_services'),
       (select count(*) from raw.france_services),
       (select sum(population) from marts.dim_commune)
"""


def figures(path: Path) -> tuple:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(FIGURES_SQL).fetchone()
    finally:
        con.close()


def copy_mirror(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    return dst


def drop_last_rows(csv: Path, n: int) -> None:
    """Remove the last ``n`` records of a generated CSV (one record per line)."""
    data = csv.read_bytes()
    eol = b"\r\n" if b"\r\n" in data else b"\n"
    lines = data.rstrip(eol).split(eol)
    csv.write_bytes(eol.join(lines[:-n]) + eol)


READER = r"""
import sys, time, duckdb, json
path, stop, out = sys.argv[1], sys.argv[2], sys.argv[3]
import os
seen, errors, n = set(), [], 0
while not os.path.exists(stop):
    try:
        con = duckdb.connect(path, read_only=True)
        try:
            seen.add(tuple(str(v) for v in con.execute(sys.argv[4]).fetchone()))
        finally:
            con.close()
        n += 1
    except Exception as exc:
        errors.append(repr(exc))
    time.sleep(0.05)   # 20 openings a second each at most: the refresh shares the machine's two cores
json.dump({"seen": sorted(seen), "errors": errors, "queries": n}, open(out, "w"))
"""


def run_refresh_process(cfg: Path, log: Path, crash_at: str | None = None, marker: Path | None = None,
                        job: str = "refresh_all"):
    """The documented refresh (``python -m orchestration.run --job <job>``) in its own process group; with
    ``crash_at``, through tests/crash_refresh.py."""
    command = ["-m", "orchestration.run"] if crash_at is None else \
        [str(PROJECT_ROOT / "tests" / "crash_refresh.py"), crash_at, str(marker)]
    with log.open("wb") as out:
        return subprocess.Popen([sys.executable, *command, "--config", str(cfg), "--job", job], cwd=PROJECT_ROOT,
                                env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}, stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True)


def dbt_running(group: int) -> bool:
    """True when a `dbt build` process of the process group ``group`` runs (Linux /proc)."""
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            argv = (proc / "cmdline").read_bytes().split(b"\0")
            if os.getpgid(int(proc.name)) == group and any(a.endswith(b"dbt") for a in argv) and b"build" in argv:
                return True
        except (OSError, ProcessLookupError):
            continue
    return False


def tail(log: Path, n: int = 40) -> str:
    lines = [line for line in log.read_text(encoding="utf-8", errors="replace").splitlines() if line.strip()]
    return "\n".join(lines[-n:])


def test_sigkill_at_several_points_then_refresh_with_readers(tmp_path, demo_run, demo_mirror):
    settings0, result0 = demo_run
    assert result0.success
    # The next refresh reads a mirror where France Services lost two rows, so old and new differ.
    mirror = copy_mirror(demo_mirror[0], tmp_path / "mirror")
    drop_last_rows(next(mirror.rglob("liste-fs-*.csv")), 2)
    cfg = seeded_config(tmp_path, mirror, settings0.published_path)
    settings = load_settings(cfg)
    before = figures(settings.published_path)

    # The France Services list's own job (monthly), which runs the same publication as every job.
    job = "refresh_monthly"
    for point in ("ingestion:france_services", "dbt", "swap"):
        marker = tmp_path / f"crash-{point.replace(':', '_')}"
        log = tmp_path / f"{marker.name}.log"
        if point == "dbt":   # killed while its dbt child builds the models
            proc = run_refresh_process(cfg, log, job=job)
            reached = lambda: dbt_running(proc.pid)  # noqa: E731
        else:
            proc = run_refresh_process(cfg, log, crash_at=point, marker=marker, job=job)
            reached = marker.exists
        deadline = time.monotonic() + 240
        while not reached():
            assert proc.poll() is None, f"the refresh ended before reaching the crash point {point}:\n{tail(log)}"
            assert time.monotonic() < deadline, f"crash point {point} never reached"
            time.sleep(0.05)
        if point == "dbt":
            time.sleep(2)   # dbt has started building
        os.killpg(proc.pid, signal.SIGKILL)  # the refresh and its dbt child, as in a machine crash
        proc.wait(timeout=30)
        assert figures(settings.published_path) == before, f"the publication changed after a kill at {point}"

    # Readers loop on the published file during the next (successful) refresh.
    stop = tmp_path / "stop"
    readers = [subprocess.Popen([sys.executable, "-c", READER, str(settings.published_path), str(stop),
                                 str(tmp_path / f"reader{i}.json"), FIGURES_SQL]) for i in range(3)]
    try:
        log = tmp_path / "refresh.log"
        proc = run_refresh_process(cfg, log, job=job)
        assert proc.wait(timeout=300) == 0, f"the refresh after the crashes failed:\n{tail(log)}"
    finally:
        time.sleep(0.5)
        stop.write_text("stop")
        for r in readers:
            r.wait(timeout=60)
    after = figures(settings.published_path)
    assert after[0] != before[0], "no new publication"
    assert after[2] == before[2] - 2, "the new publication does not hold the modified source"
    allowed = {tuple(str(v) for v in before), tuple(str(v) for v in after)}
    total, union = 0, set()
    for i in range(3):
        rep = json.loads((tmp_path / f"reader{i}.json").read_text())
        assert rep["errors"] == [], rep["errors"][:3]
        assert rep["queries"] > 0
        total += rep["queries"]
        assert {tuple(s) for s in rep["seen"]} <= allowed, f"reader {i} saw a mix: {rep['seen']}"
        union |= {tuple(s) for s in rep["seen"]}
    assert union == allowed, "the readers did not see both publications"
    # The previous publication is kept for rollback, and the report of the run is published.
    con = duckdb.connect(str(settings.published_path), read_only=True)
    try:
        runs = con.execute("select status, published from ops.refresh_runs order by finished_at desc").fetchall()
        fs = con.execute("select rows_loaded from ops.refresh_sources s join ops.refresh_runs r using (run_id) "
                         "where source = 'france_services' order by r.finished_at desc limit 1").fetchone()[0]
    finally:
        con.close()
    assert runs[0] == ("succès", True)
    assert fs == after[2]

    from ingest.warehouse import publications
    kept = publications(settings)
    assert kept and figures(kept[-1]) == before
    out = subprocess.run([sys.executable, "-m", "orchestration.publication", "rollback", "--config", str(cfg)],
                         cwd=PROJECT_ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert figures(settings.published_path) == before


class _Hook(http.server.BaseHTTPRequestHandler):
    received: list = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        _Hook.received.append(json.loads(body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


def _rewrite_populations(mirror: Path, change) -> None:
    """Apply ``change(header, fields, index)`` to every data row of the mirror's populations file."""
    pop = next(mirror.rglob("donnees_communes.csv"))
    data = pop.read_bytes()
    eol = b"\r\n" if b"\r\n" in data else b"\n"
    lines = data.split(eol)
    header = lines[0].decode("utf-8").split(";")
    for k in range(1, len(lines)):
        if lines[k]:
            row = lines[k].split(b";")
            change(header, row, k)
            lines[k] = b";".join(row)
    pop.write_bytes(eol.join(lines))


def test_blocking_dbt_test_stops_publication_and_notifies(tmp_path, demo_run, demo_mirror):
    """A negative legal population (a value the contract loads: PMUN is an integer) reaches dim_commune, whose
    column_rules test (population* >= 0, blocking) fails in `dbt build`: the Dagster check fails, nothing
    is published, the failed run's report and the notification name the mart, the rule and the value.
    The publication it starts from was written by an earlier version of the project, whose seed
    ref_occupancy_capacity had no commune_code column: the seeds are written again whole, not into the old
    table (dbt_project.yml, ``full_refresh``), so the build goes on to the marts' tests."""
    from orchestration.run import refresh

    settings0, _ = demo_run
    mirror = copy_mirror(demo_mirror[0], tmp_path / "mirror")
    broken = {}

    def negative_first_population(header, row, k):
        if k == 1:   # the total follows (PTOT = PMUN + PCAP, stg_populations' rule): only the mart's rule breaks
            row[header.index("PMUN")] = b"-" + row[header.index("PMUN")]
            broken["value"] = row[header.index("PMUN")].decode()
            pcap = int(row[header.index("PCAP")] or b"0")
            row[header.index("PTOT")] = str(int(broken["value"]) + pcap).encode()

    _rewrite_populations(mirror, negative_first_population)
    server = http.server.HTTPServer(("127.0.0.1", 0), _Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        cfg = seeded_config(tmp_path, mirror, settings0.published_path,
                            f'[notifications]\nwebhook_url = "http://127.0.0.1:{server.server_port}/hook"\n')
        settings = load_settings(cfg)
        con = duckdb.connect(str(settings.published_path))
        con.execute("alter table reference.ref_occupancy_capacity drop column commune_code")   # the old seed
        con.close()
        before = figures(settings.published_path)
        inode = settings.published_path.stat().st_ino
        result = refresh(str(cfg))
    finally:
        server.shutdown()
    assert not result.success
    con = duckdb.connect(str(settings.build_path), read_only=True)   # the failed run's build file
    assert "commune_code" in {c[0] for c in con.execute("describe reference.ref_occupancy_capacity").fetchall()}
    con.close()
    assert settings.published_path.stat().st_ino == inode and figures(settings.published_path) == before
    evaluations = {e.event_specific_data.check_name: e.event_specific_data for e in result.all_events
                   if e.event_type_value == "ASSET_CHECK_EVALUATION"}
    dagster_check = evaluations["column_rules_dim_commune_"]
    assert not dagster_check.passed and dagster_check.severity.value == "ERROR"
    assert all(e.passed for name, e in evaluations.items() if name == "great_expectations")  # raw files are sound

    report = json.loads((settings.warehouse_dir / "reports" / f"{result.run_id}.json").read_text(encoding="utf-8"))
    assert report["status"] == "échec" and report["published"] is False and report["started_at"]
    failed = {(c["asset"], c["check_name"]): c["message"] for c in report["checks"]
              if not c["passed"] and c["severity"] == "bloquant"}
    rule = failed[("marts/dim_commune", "column_rules_dim_commune_")]
    assert f"population : effectif positif ou nul, 1 ligne(s) en défaut (par ex. {broken['value']})" in rule, rule
    assert ("marts/dim_commune", "expression_is_true_dim_commune_population__between_0_and_3000000") in failed
    assert not any(asset.startswith("raw/") for asset, _ in failed)
    assert "marts/dim_commune" in report["message"] and "effectif positif ou nul" in report["message"]
    assert {s["source"] for s in report["sources"]} == set(settings.sources)

    assert len(_Hook.received) == 1 and _Hook.received[0]["run_id"] == result.run_id
    assert "population : effectif positif ou nul" in _Hook.received[0]["text"]


def test_file_with_too_many_rejected_rows_is_refused(tmp_path, demo_run, demo_mirror):
    """A file a tenth of whose rows break the contract (commune numbers that are not 3 digits) cannot be trusted
    whole: its raw check (Great Expectations on the load's profile) fails, nothing is published, the report
    and the HTML Data Docs say which file and how many rows."""
    from orchestration.run import refresh

    settings0, _ = demo_run
    mirror = copy_mirror(demo_mirror[0], tmp_path / "mirror")

    def break_every_tenth_code(header, row, k):
        if k % 10 == 0:
            row[header.index("CODCOM")] = b"X" + row[header.index("CODCOM")]

    _rewrite_populations(mirror, break_every_tenth_code)
    cfg = seeded_config(tmp_path, mirror, settings0.published_path)
    settings = load_settings(cfg)
    before = figures(settings.published_path)
    result = refresh(str(cfg))
    assert not result.success and figures(settings.published_path) == before
    report = json.loads((settings.warehouse_dir / "reports" / f"{result.run_id}.json").read_text(encoding="utf-8"))
    failed = [c for c in report["checks"] if not c["passed"] and c["severity"] == "bloquant"]
    assert [c["asset"] for c in failed] == ["raw/populations"], failed
    assert failed[0]["message"].startswith("donnees_communes.csv : 30 ligne(s) rejetée(s) sur 300 (10,0\u202f%)")
    assert "il est refusé" in failed[0]["message"] and "raw/populations" in report["message"]
    docs = settings.warehouse_dir / "data_docs" / result.run_id / "raw.populations.html"
    assert "ÉCHEC" in docs.read_text(encoding="utf-8") and "rejetée(s)" in docs.read_text(encoding="utf-8")


def test_blocking_mart_row_count_stops_publication(tmp_path, demo_run, demo_mirror):
    """The marts' row counts gate the publication too: here the current publication holds ten times the rows
    of marts.fct_coverage_canton, so the rebuilt mart "loses" 90 % of them (row-count change beyond
    `max_row_drop`): its blocking check fails, nothing is published, the report names the mart."""
    from orchestration.run import refresh

    settings0, _ = demo_run
    cfg = seeded_config(tmp_path, demo_mirror[0], settings0.published_path)
    settings = load_settings(cfg)
    con = duckdb.connect(str(settings.published_path))
    n = con.execute("select count(*) from marts.fct_coverage_canton").fetchone()[0]
    for _ in range(9):
        con.execute("insert into marts.fct_coverage_canton select * from marts.fct_coverage_canton limit ?", [n])
    con.close()
    before = figures(settings.published_path)
    inode = settings.published_path.stat().st_ino
    result = refresh(str(cfg), job_name="refresh_monthly")   # France Services' job rebuilds the canton mart
    assert not result.success
    assert settings.published_path.stat().st_ino == inode and figures(settings.published_path) == before
    report = json.loads((settings.warehouse_dir / "reports" / f"{result.run_id}.json").read_text(encoding="utf-8"))
    failed = [c for c in report["checks"] if not c["passed"] and c["severity"] == "bloquant"]
    assert [c["asset"] for c in failed] == ["marts/fct_coverage_canton"], failed
    assert f"{n} ligne(s) contre {10 * n}" in failed[0]["message"]
    assert "marts/fct_coverage_canton" in report["message"]
