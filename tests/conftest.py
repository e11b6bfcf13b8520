"""Shared fixtures: a generated demo territory, a configuration pointing at it, and a warehouse
built from it by the real Dagster job (dbt build included); the warehouse published from the real public
files of ../shared/data by the documented command (skipped when absent). Built once per test session."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from filelock import FileLock

from ingest.config import PROJECT_ROOT, load_settings

SHARED_DATA = PROJECT_ROOT.parent / "shared" / "data"

# `make test` runs three pytest-xdist workers (docs/contributing.md). Each has its own dbt target folder
# (dbt's DBT_TARGET_PATH, which dagster-dbt and orchestration.report.DBT_TARGET follow): two dbt parses
# must not write the same manifest.json and partial_parse.msgpack. Set before any orchestration import.
if os.environ.get("PYTEST_XDIST_WORKER"):
    os.environ["DBT_TARGET_PATH"] = str(PROJECT_ROOT / "dbt_project" / "target" / os.environ["PYTEST_XDIST_WORKER"])

# Fixtures that build a warehouse (a refresh, the real files' publication, a dbt build): every test that
# depends on one, directly or through another fixture, is marked ``slow`` (``make test-fast`` leaves them
# out). Tests that build one without these fixtures (or run dbt, start Streamlit or a browser, read the real
# files whole) carry ``@pytest.mark.slow`` themselves, with the reason.
SLOW_FIXTURES = frozenset({
    "demo_run", "demo_warehouse",          # the demo refresh (below)
    "real_publication", "real_warehouse",  # the real files published by the documented command (below)
    "tiny",                                # dbt build of the hand-computed territory (test_indicators.py)
    "survey_warehouse",                    # a refresh with survey files (test_surveys.py)
})


@pytest.fixture(scope="session", autouse=True)
def dbt_sources_written():
    """The dbt sources file, written from the declarations (ingest/sources) as every refresh does, for
    the tests that run dbt directly."""
    from ingest.sources import write_dbt_sources

    write_dbt_sources()


def pytest_collection_modifyitems(config, items):
    """Marks ``slow`` every test whose fixtures (their whole closure) include one of SLOW_FIXTURES."""
    for item in items:
        if SLOW_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


def write_config(tmp: Path, mirror: Path, name: str = "config.toml", extra: str = "") -> Path:
    """A copy of config/demo.toml whose mirror, warehouse and snapshots live under ``tmp``, with
    ``extra`` (TOML tables) appended."""
    text = (PROJECT_ROOT / "config" / "demo.toml").read_text(encoding="utf-8")
    paths = (f'[paths]\nmirror = "{mirror}"\nwarehouse = "{tmp / "warehouse"}"\n'
             f'snapshots = "{tmp / "snapshots"}"\n')
    text = re.sub(r"\[paths\]\n(?:[^\[\n][^\n]*\n)*", paths + "\n", text)
    cfg = tmp / name
    cfg.write_text(text + ("\n" + extra if extra else ""), encoding="utf-8")
    return cfg


def seeded_config(tmp: Path, mirror: Path, published: Path, extra: str = "") -> Path:
    """:func:`write_config` whose warehouse starts from a copy of an existing publication."""
    cfg = write_config(tmp, mirror, extra=extra)
    settings = load_settings(cfg)
    settings.warehouse_dir.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(published, settings.published_path)
    return cfg


@pytest.fixture(scope="session")
def demo_mirror(tmp_path_factory) -> tuple[Path, dict]:
    from ingest.demo.generator import generate

    out = tmp_path_factory.mktemp("mirror")
    truth = generate(out, seed=2024)
    return out, json.loads(json.dumps(truth))


class RecordedRun:
    """A refresh run as the Dagster instance that ran it recorded it (what the Dagster UI reads): its id,
    whether it succeeded, its events, and the dbt manifest it was built with (``dbt_manifest``)."""

    def __init__(self, folder: Path, run_id: str):
        import dagster as dg

        instance = dg.DagsterInstance.local_temp(tempdir=str(folder / "dagster"))
        try:
            run = instance.get_run_by_id(run_id)
            self.run_id = run_id
            self.success = run is not None and run.status == dg.DagsterRunStatus.SUCCESS
            self.all_events = [e.dagster_event for e in instance.all_logs(run_id) if e.is_dagster_event]
        finally:
            instance.dispose()
        self.dbt_manifest = folder / "dbt_manifest.json"


def built_once(tmp_path_factory, worker_id: str, name: str, build) -> Path:
    """The folder where ``build(folder)`` ran once for the whole test session. In a single pytest process,
    a new temporary folder. Under pytest-xdist, the first worker that needs it builds it in the folder the
    workers share, under a file lock, and the others find it built (pytest-xdist's documented pattern for a
    session fixture): ``build`` must leave ``folder / "built.json"``."""
    if worker_id == "master":
        folder = tmp_path_factory.mktemp(name)
        build(folder)
        return folder
    folder = tmp_path_factory.getbasetemp().parent / name
    with FileLock(str(folder) + ".lock"):
        if not (folder / "built.json").exists():
            folder.mkdir(exist_ok=True)
            build(folder)
    return folder


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory, worker_id, demo_mirror):
    """The refresh_all job run once on the demo mirror, for every worker of the session (the workers read
    the publication, never write it: a test that refreshes starts from a copy, :func:`seeded_config`);
    returns (settings, :class:`RecordedRun`)."""
    def build(folder: Path) -> None:
        import dagster as dg

        from orchestration.report import DBT_TARGET
        from orchestration.run import refresh

        cfg = write_config(folder, demo_mirror[0])   # generated with a fixed seed: the same files on every worker
        (folder / "dagster").mkdir(exist_ok=True)   # a build that failed before may have made it
        instance = dg.DagsterInstance.local_temp(tempdir=str(folder / "dagster"))
        try:
            result = refresh(str(cfg), instance=instance)
        finally:
            instance.dispose()
        if (DBT_TARGET / "manifest.json").exists():   # the project the run was built with
            shutil.copyfile(DBT_TARGET / "manifest.json", folder / "dbt_manifest.json")
        (folder / "built.json").write_text(json.dumps({"run_id": result.run_id}), encoding="utf-8")

    folder = built_once(tmp_path_factory, worker_id, "demo", build)
    run_id = json.loads((folder / "built.json").read_text(encoding="utf-8"))["run_id"]
    return load_settings(folder / "config.toml"), RecordedRun(folder, run_id)


@pytest.fixture(scope="session")
def demo_warehouse(demo_run):
    """A read-only connection to the published demo warehouse."""
    import duckdb

    settings, result = demo_run
    assert result.success, "the refresh job failed"
    con = duckdb.connect(str(settings.published_path), read_only=True)
    yield con
    con.close()


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"real public files not available: {SHARED_DATA} is absent (see shared/data/SOURCES.md)")
    return SHARED_DATA


def real_config(tmp: Path, extra: str = "") -> Path:
    """config/shared-data.toml as shipped, with the mirror, warehouse and snapshots folders made absolute
    (mirror: ../shared/data; warehouse and snapshots under ``tmp``) and ``extra`` TOML appended."""
    text = (PROJECT_ROOT / "config" / "shared-data.toml").read_text(encoding="utf-8")
    paths = (f'[paths]\nmirror = "{SHARED_DATA}"\nwarehouse = "{tmp / "warehouse"}"\n'
             f'snapshots = "{tmp / "snapshots"}"\n')
    text = re.sub(r"\[paths\]\n(?:[^\[\n][^\n]*\n)*", paths + "\n", text)
    cfg = tmp / "shared-data.toml"
    cfg.write_text(text + ("\n" + extra if extra else ""), encoding="utf-8")
    return cfg


def run_documented_command(cfg: Path) -> subprocess.CompletedProcess:
    """What the README tells the team to run, in a subprocess:
    ``OBSERVATOIRE_CONFIG=<cfg> python -m orchestration.run``."""
    env = {**os.environ, "OBSERVATOIRE_CONFIG": str(cfg)}
    return subprocess.run([sys.executable, "-m", "orchestration.run"], cwd=PROJECT_ROOT, env=env,
                          capture_output=True, text=True, timeout=1800)


@pytest.fixture(scope="session")
def real_publication(tmp_path_factory, worker_id):
    """The real public files of ../shared/data published by the documented command (the Dagster job
    refresh_all with its quality gate, exactly as a user runs it): (completed process, settings).
    Skipped when ../shared/data is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"real public files not available: {SHARED_DATA} is absent (see shared/data/SOURCES.md)")

    def build(folder: Path) -> None:
        proc = run_documented_command(real_config(folder))
        (folder / "built.json").write_text(json.dumps({"args": proc.args, "returncode": proc.returncode,
                                                       "stdout": proc.stdout, "stderr": proc.stderr}),
                                           encoding="utf-8")

    folder = built_once(tmp_path_factory, worker_id, "real", build)
    proc = subprocess.CompletedProcess(**json.loads((folder / "built.json").read_text(encoding="utf-8")))
    return proc, load_settings(folder / "shared-data.toml")


@pytest.fixture(scope="session")
def real_warehouse(real_publication):
    """A read-only connection to the warehouse published from the real files by the documented command:
    (connection, the shared data folder, the settings)."""
    import duckdb

    proc, settings = real_publication
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-6000:]
    con = duckdb.connect(str(settings.published_path), read_only=True)
    yield con, SHARED_DATA, settings
    con.close()
