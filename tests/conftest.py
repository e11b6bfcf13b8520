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


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory, demo_mirror):
    """Runs the refresh_all job once on the demo mirror; returns (settings, result)."""
    from orchestration.run import refresh

    tmp = tmp_path_factory.mktemp("pipeline")
    cfg = write_config(tmp, demo_mirror[0])
    result = refresh(str(cfg))
    return load_settings(cfg), result


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
    if worker_id == "master":   # a single pytest process
        cfg = real_config(tmp_path_factory.mktemp("real"))
        return run_documented_command(cfg), load_settings(cfg)
    # Under pytest-xdist, the first worker that needs it publishes it in the folder the workers share, and the
    # others read that publication (read-only): pytest-xdist's documented pattern for a session fixture.
    shared = tmp_path_factory.getbasetemp().parent / "real"
    outcome = shared / "documented_command.json"
    with FileLock(str(shared) + ".lock"):
        if not outcome.exists():
            shared.mkdir(exist_ok=True)
            proc = run_documented_command(real_config(shared))
            outcome.write_text(json.dumps({"args": proc.args, "returncode": proc.returncode,
                                           "stdout": proc.stdout, "stderr": proc.stderr}), encoding="utf-8")
    proc = subprocess.CompletedProcess(**json.loads(outcome.read_text(encoding="utf-8")))
    return proc, load_settings(shared / "shared-data.toml")


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
