"""Dagster resources of the observatory: the deployment and its DuckDB warehouse.

Assets and checks receive :class:`Warehouse` (resource key ``warehouse``) and read the deployment's
settings and open the run's build file through it; the dbt project is Dagster's stock
``DbtCliResource`` (key ``dbt``)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import dagster as dg
import duckdb

from ingest.config import Settings, load_settings
from ingest.warehouse import open_build


class Warehouse(dg.ConfigurableResource):
    """The deployment (its configuration file) and its warehouse files: the build file a run writes,
    the published file readers open."""

    config_path: str

    @property
    def settings(self) -> Settings:
        return load_settings(self.config_path)

    @contextmanager
    def build(self, run_id: str) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection to the run's build file (created from the current publication at its first use)."""
        con = open_build(self.settings, run_id)
        try:
            yield con
        finally:
            con.close()
