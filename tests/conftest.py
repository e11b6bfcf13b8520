"""Shared fixtures: a generated demo territory, a configuration pointing at it, and a warehouse
built from it by the real Dagster job (dbt build included); the warehouse of the real public files of
../shared/data (skipped when absent). Built once per test session."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from ingest.config import PROJECT_ROOT, load_settings

SHARED_DATA = PROJECT_ROOT.parent / "shared" / "data"


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


@pytest.fixture(scope="session")
def real_warehouse(tmp_path_factory):
    """config/shared-data.toml's sources fetched and loaded by the production code, then `dbt build`
    (tests included): (read-only connection, the shared data folder, the settings)."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"real public files not available: {SHARED_DATA} is absent (see shared/data/SOURCES.md)")
    import duckdb

    from ingest.fetch import fetch
    from ingest.load import load_source
    from tests.test_indicators import dbt

    tmp = tmp_path_factory.mktemp("real")
    text = (PROJECT_ROOT / "config" / "shared-data.toml").read_text(encoding="utf-8")
    cfg = tmp / "shared.toml"
    cfg.write_text(text.replace('mirror = "../shared/data"', f'mirror = "{SHARED_DATA}"'), encoding="utf-8")
    settings = load_settings(cfg)
    db = tmp / "real.duckdb"
    con = duckdb.connect(str(db))
    for name, source in settings.sources.items():
        load_source(con, name, [fetch(name, loc, tmp / "snapshots") for loc in source.locations])
    con.close()
    proc = dbt("build", db=db, target=tmp / "target",
               vars={"territory_name": settings.territory.name, "territory_departements": [],
                     "territory_fictional": False, "access_distances_km": list(settings.access_distances_km)})
    assert proc.returncode == 0, proc.stdout[-4000:]
    con = duckdb.connect(str(db), read_only=True)
    yield con, SHARED_DATA, settings
    con.close()
