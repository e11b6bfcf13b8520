"""The warehouse files: a build file that refreshes write into, and a published file readers open.

DuckDB allows one read-write process or many read-only ones, never both. So a refresh never writes
to the file readers use: it writes to ``build/observatoire.duckdb`` (seeded from the current
publication, so refreshing one source keeps the others) and :func:`publish` swaps it into place with
an atomic rename. Readers open the published file read-only; a reader that opened the previous file
keeps reading it (same inode) until it reconnects, so it never sees a mix of two publications.

Crash safety: the build file belongs to one run (``build/RUN_ID``). A run that finds a build file
left by another run (a crashed or failed one) discards it and reseeds from the publication, so a
half-loaded build is never published. Before each swap the current publication is hard-linked into
``history/`` (no copy); the last :data:`KEEP_PUBLICATIONS` are kept for :func:`rollback`
(``python -m orchestration.publication rollback``).

Storage version: the published file must stay readable by the DuckDB 1.x clients analysts' tools embed
(DBeaver, R, BI drivers follow DuckDB releases with a lag), so every warehouse file is written in the
storage format of DuckDB :data:`STORAGE_VERSION`. DuckDB keeps the storage version of an existing file
when it writes to it, so a build file created in that format (:func:`create_build`) or seeded from a
publication in that format stays in it through the loads and the dbt build. :func:`publish` checks it,
and converts a build file in a newer format (a publication of an earlier release) with one
``COPY FROM DATABASE`` before the swap (docs/architecture.md gives the cost).
"""

from __future__ import annotations

import os
import shutil
from datetime import datetime, timezone
from pathlib import Path

import duckdb

from ingest.config import Settings

KEEP_PUBLICATIONS = 5
#: The oldest DuckDB release that must read the published file (``storage_compatibility_version``).
STORAGE_VERSION = "v1.4.0"


def _marker(settings: Settings) -> Path:
    return settings.build_path.parent / "RUN_ID"


def _remove_build(build: Path) -> None:
    for p in (build, build.with_name(build.name + ".wal"), build.with_suffix(".seed"), build.with_suffix(".convert")):
        p.unlink(missing_ok=True)


def storage_version(path: Path) -> str:
    """The storage version DuckDB reports for a database file (``"v1.4.0+"``...), read-only."""
    con = duckdb.connect()
    try:
        con.execute(f"attach '{path}' as probe (read_only)")
        tags = con.execute("select tags from duckdb_databases() where database_name = 'probe'").fetchone()[0]
        return tags.get("storage_version", "")
    finally:
        con.close()


def readable_by_duckdb_1x(path: Path) -> bool:
    """Whether the file's storage version is :data:`STORAGE_VERSION` (or older)."""
    version = storage_version(path).rstrip("+").lstrip("v")
    if not version:
        return False
    as_tuple = tuple(int(p) for p in version.split(".")[:3])
    return as_tuple <= tuple(int(p) for p in STORAGE_VERSION.lstrip("v").split("."))


def create_build(build: Path) -> None:
    """Create an empty database file in the storage format of :data:`STORAGE_VERSION`."""
    duckdb.connect(str(build), config={"storage_compatibility_version": STORAGE_VERSION}).close()


def convert_storage(build: Path) -> None:
    """Rewrite ``build`` in the storage format of :data:`STORAGE_VERSION` (every schema, table, view,
    comment), through a sibling file swapped in atomically."""
    tmp = build.with_suffix(".convert")
    tmp.unlink(missing_ok=True)
    con = duckdb.connect()
    try:
        con.execute(f"attach '{build}' as src (read_only)")
        con.execute(f"attach '{tmp}' as dst (storage_version '{STORAGE_VERSION}')")
        con.execute("copy from database src to dst")
        con.execute("checkpoint dst")
    finally:
        con.close()
    os.replace(tmp, build)


def prepare_build(settings: Settings, run_id: str | None = None) -> Path:
    """Make sure the build file belongs to ``run_id``: a build left by another run is discarded and
    reseeded from the current publication. Without ``run_id`` an existing build is kept."""
    build = settings.build_path
    build.parent.mkdir(parents=True, exist_ok=True)
    marker = _marker(settings)
    if run_id is not None:
        owner = marker.read_text(encoding="utf-8").strip() if marker.exists() else None
        if owner != run_id:
            _remove_build(build)
            tmp = marker.with_suffix(".tmp")
            tmp.write_text(run_id, encoding="utf-8")
            os.replace(tmp, marker)
    if not build.exists() and settings.published_path.exists():
        tmp = build.with_suffix(".seed")
        shutil.copyfile(settings.published_path, tmp)
        os.replace(tmp, build)
    if not build.exists():
        create_build(build)
    return build


def open_build(settings: Settings, run_id: str | None = None) -> duckdb.DuckDBPyConnection:
    """A read-write connection to the build file, created from the current publication if needed."""
    return duckdb.connect(str(prepare_build(settings, run_id)))


def history_dir(settings: Settings) -> Path:
    return settings.warehouse_dir / "history"


def publications(settings: Settings) -> list[Path]:
    """The kept earlier publications, oldest first (file names sort by publication time)."""
    folder = history_dir(settings)
    return sorted(folder.glob("observatoire-*.duckdb")) if folder.is_dir() else []


def link_or_copy(source: Path, target: Path) -> None:
    """``target`` becomes a hard link to ``source`` (no copy, both names for one unchanged file), or a copy
    written aside then renamed where the filesystem has no hard links."""
    try:
        os.link(source, target)
    except OSError:
        tmp = target.with_suffix(target.suffix + ".tmp")
        shutil.copyfile(source, tmp)
        os.replace(tmp, target)


def _keep(settings: Settings, path: Path, prefix: str = "observatoire") -> Path:
    """Hard-link (or copy) ``path``, about to be replaced, into the history; prune to the last few."""
    folder = history_dir(settings)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    target = folder / f"{prefix}-{stamp}.duckdb"
    link_or_copy(path, target)
    for pattern in ("observatoire-*.duckdb", "retired-*.duckdb"):
        for old in sorted(folder.glob(pattern))[:-KEEP_PUBLICATIONS]:
            old.unlink(missing_ok=True)
    return target


def publish(settings: Settings) -> Path:
    """Atomically replace the published warehouse by the build file (the previous one goes to history)."""
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
    if not readable_by_duckdb_1x(build):
        convert_storage(build)
    duckdb.connect(str(build), read_only=True).close()  # opens as readers will open it
    if settings.published_path.exists():
        _keep(settings, settings.published_path)
    os.replace(build, settings.published_path)
    _marker(settings).unlink(missing_ok=True)
    return settings.published_path


def rollback(settings: Settings, steps: int = 1) -> Path:
    """Publish again the publication ``steps`` before the current one (atomic, like a refresh).
    The replaced publication is kept as ``history/retired-*.duckdb``. Returns the restored file."""
    kept = publications(settings)
    if len(kept) < steps:
        raise RuntimeError(f"Retour arrière impossible : {len(kept)} publication(s) antérieure(s) conservée(s) "
                           f"dans {history_dir(settings)}, {steps} demandée(s).")
    source = kept[-steps]
    duckdb.connect(str(source), read_only=True).close()
    if settings.published_path.exists():
        _keep(settings, settings.published_path, prefix="retired")
    for newer in kept[len(kept) - steps + 1:]:  # publications after the restored one are retired too
        os.replace(newer, newer.with_name(newer.name.replace("observatoire-", "retired-", 1)))
    os.replace(source, settings.published_path)
    return settings.published_path


def open_published(settings: Settings) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the published warehouse (what the dashboard and analysts use)."""
    return duckdb.connect(str(settings.published_path), read_only=True)
