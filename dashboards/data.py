"""Read-only access to the published warehouse for the dashboard.

Every query is parameterized and cached; the connection is opened read-only on the published file
(never the file a refresh is writing), so the dashboard never holds or waits on a write lock.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

from ingest.config import load_settings


class WarehouseUnavailable(Exception):
    """The published warehouse is missing or cannot be opened right now."""


def warehouse_path() -> Path:
    return load_settings().published_path


def _signature(path: Path) -> tuple[str, float]:
    """Changes when a new publication is swapped in, so cached results are refreshed."""
    try:
        return str(path), path.stat().st_mtime
    except FileNotFoundError:
        raise WarehouseUnavailable(str(path)) from None


@st.cache_resource(show_spinner=False, max_entries=2)
def _connection(signature: tuple[str, float]) -> duckdb.DuckDBPyConnection:
    """One read-only connection per publication (a new file swapped in gets a new connection)."""
    try:
        return duckdb.connect(signature[0], read_only=True)
    except duckdb.Error as exc:
        raise WarehouseUnavailable(str(exc)) from exc


def _run(sql: str, params: tuple, signature: tuple[str, float]) -> pd.DataFrame:
    try:
        cursor = _connection(signature).cursor()  # a cursor per query: safe across Streamlit threads
    except duckdb.Error as exc:
        _connection.clear()
        raise WarehouseUnavailable(str(exc)) from exc
    try:
        return cursor.execute(sql, list(params)).df()
    finally:
        cursor.close()


@st.cache_data(show_spinner=False, ttl=600, max_entries=2000)
def _query(sql: str, params: tuple, signature: tuple[str, float]) -> pd.DataFrame:
    return _run(sql, params, signature)


def query(sql: str, params: tuple = ()) -> pd.DataFrame:
    """Run a parameterized read-only query on the published warehouse (cached per publication)."""
    return _query(sql, tuple(params), _signature(warehouse_path()))


def has_table(schema: str, table: str) -> bool:
    """Whether the published warehouse holds ``schema.table`` (for optional tables such as ops.*)."""
    n = query("select count(*) as n from information_schema.tables where table_schema = ? and table_name = ?",
              (schema, table))
    return bool(n.n[0])
