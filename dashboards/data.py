"""Read-only access to the published warehouse for the dashboard.

Every query is parameterized and cached; the connection is opened read-only on the published file
(never the file a refresh is writing), so the dashboard never holds or waits on a write lock.

A publication is identified by the published file's identity (inode, modification time, size): a
refresh swaps a new file into the same path (``os.replace``, see ``ingest.warehouse.publish``). The
process keeps a single open connection. DuckDB hands every ``duckdb.connect(path)`` the database
instance already open on that path, i.e. the old, swapped-out file, for as long as any connection to
it stays open; so when the identity changes, the old connection is closed first (queries still
running on it are interrupted, and retried once on the new connection), then the new file is opened.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

from ingest.config import load_settings

Identity = tuple[str, int, int, int]  # (path, st_ino, st_mtime_ns, st_size)


class WarehouseUnavailable(Exception):
    """The published warehouse is missing or cannot be opened right now."""


class WarehouseOutdated(Exception):
    """The published warehouse lacks a table or a column this version of the dashboard reads (DuckDB's
    catalog or binder error on the current publication): it was published by an earlier version of the
    project, and the next full refresh publishes it again with this version's marts."""


def warehouse_path() -> Path:
    return load_settings().published_path


def _signature(path: Path) -> Identity:
    """The identity of the published file: changes when a new publication is swapped in."""
    try:
        s = path.stat()
    except FileNotFoundError:
        raise WarehouseUnavailable(str(path)) from None
    return str(path), s.st_ino, s.st_mtime_ns, s.st_size


class _Publication:
    """The one open read-only connection of the process and the publication it reads."""

    def __init__(self) -> None:
        self.lock = threading.Condition()  # guards every field below
        self.identity: Identity | None = None
        self.connection: duckdb.DuckDBPyConnection | None = None
        self.running: set[duckdb.DuckDBPyConnection] = set()  # cursors with a query in flight
        self.switching = False

    def cursor(self, wanted: Identity) -> tuple[duckdb.DuckDBPyConnection, Identity]:
        """A cursor on the current publication (the connection is switched first if the file changed)."""
        with self.lock:
            while self.switching:  # another thread is switching: wait for the new connection
                self.lock.wait()
            if self.connection is None or wanted != self.identity:
                current = _signature(Path(wanted[0]))  # re-read: ``wanted`` may be older than ours
                if self.connection is None or current != self.identity:
                    self._switch(current)
            cur = self.connection.cursor()  # a cursor per query: safe across Streamlit threads
            self.running.add(cur)
            return cur, self.identity

    def release(self, cur: duckdb.DuckDBPyConnection) -> None:
        with self.lock:
            self.running.discard(cur)
            self.lock.notify_all()
            cur.close()

    def is_current(self, identity: Identity) -> bool:
        with self.lock:
            return self.identity == identity

    def _switch(self, identity: Identity) -> None:
        """Close the old connection (so DuckDB lets go of the old file), then open the new file.
        Called with the lock held; queries still running on the old connection are interrupted (they
        fail and are retried once on the new connection) and waited for: DuckDB refuses to close a
        connection whose cursors are busy."""
        self.switching = True
        try:
            if self.connection is not None:
                for cur in list(self.running):
                    cur.interrupt()
                deadline = time.monotonic() + 30
                while self.running and time.monotonic() < deadline:
                    self.lock.wait(0.5)
                try:
                    self.connection.close()
                except duckdb.Error as exc:  # still busy: kept open, the next query tries again
                    raise WarehouseUnavailable(str(exc)) from exc
                self.connection = self.identity = None
            try:
                self.connection = duckdb.connect(identity[0], read_only=True)
            except duckdb.Error as exc:
                raise WarehouseUnavailable(str(exc)) from exc
            self.identity = identity
        finally:
            self.switching = False
            self.lock.notify_all()


_publication = _Publication()


def _run(sql: str, params: tuple, signature: Identity) -> pd.DataFrame:
    for attempt in (1, 2):
        cur, used = _publication.cursor(signature)
        try:
            return cur.execute(sql, list(params)).df()
        except duckdb.Error as exc:
            if attempt == 2 or _publication.is_current(used):
                if isinstance(exc, (duckdb.CatalogException, duckdb.BinderException)):
                    raise WarehouseOutdated(str(exc).split("\n")[0]) from exc
                raise
            # the connection was switched to a new publication under this query: run it again there
        finally:
            _publication.release(cur)
    raise AssertionError("unreachable")


@st.cache_data(show_spinner=False, ttl=600, max_entries=2000)
def _query(sql: str, params: tuple, signature: Identity) -> pd.DataFrame:
    return _run(sql, params, signature)


def query(sql: str, params: tuple = ()) -> pd.DataFrame:
    """Run a parameterized read-only query on the published warehouse (cached per publication)."""
    return _query(sql, tuple(params), _signature(warehouse_path()))

