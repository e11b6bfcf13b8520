"""The warehouse files: a build file that refreshes write into, and a published file readers open.

DuckDB allows one read-write process or many read-only ones, never both. So a refresh never writes
to the file readers use: it writes to ``build/observatoire.duckdb`` (seeded from the current
publication, so refreshing one source keeps the others) and :func:`publish` swaps it into place with
an atomic rename. Readers open the published file read-only.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb

from ingest.config import Settings


def open_build(settings: Settings) -> duckdb.DuckDBPyConnection:
    """A read-write connection to the build file, created from the current publication if needed."""
    build = settings.build_path
    build.parent.mkdir(parents=True, exist_ok=True)
    if not build.exists() and settings.published_path.exists():
        tmp = build.with_suffix(".seed")
        shutil.copyfile(settings.published_path, tmp)
        os.replace(tmp, build)
    return duckdb.connect(str(build))


def publish(settings: Settings) -> Path:
    """Atomically replace the published warehouse by the build file."""
    build = settings.build_path
    if not build.exists():
        raise FileNotFoundError(f"Aucun entrepôt en construction à publier : {build}")
    con = duckdb.connect(str(build))
    try:
        con.execute("checkpoint")
    finally:
        con.close()
    wal = build.with_name(build.name + ".wal")
    if wal.exists():
        raise RuntimeError(f"Le journal {wal} n'a pas été intégré : publication annulée.")
    os.replace(build, settings.published_path)
    return settings.published_path


def open_published(settings: Settings) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the published warehouse (what the dashboard and analysts use)."""
    return duckdb.connect(str(settings.published_path), read_only=True)
