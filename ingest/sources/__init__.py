"""The sources of the observatory, one declaration per source (a module of this package holding
``SOURCE = Source(...)``, see :class:`ingest.sources.base.Source`).

The declaration drives everything that concerns the source:

- the loader: :func:`load` ingests the files under the declaration's contract
  (:func:`ingest.load.load_source`), or through its own ``loader`` (the surveys);
- where each deployment gets the files (``locations``; ``config/*.toml`` chooses the deployment);
- the dbt source: ``dbt_project/models/staging/_sources.yml`` is written from the declarations by
  :func:`write_dbt_sources` (at each refresh, ``make lint`` and ``make docs``);
- the schedule (``cadence``, orchestration/schedules.py) and the raw quality checks (``contract``,
  ``optional``, orchestration/checks.py);
- the labels users read: ``label``, ``publisher``, ``licence`` reach ``marts.meta_sources`` through
  the dbt source's ``meta``, and the dashboard reads them there.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import replace
from pathlib import Path

import duckdb

from ingest.config import PROJECT_ROOT, Settings
from ingest.contracts import Contract
from ingest.errors import ContractError
from ingest.fetch import Snapshot, stale_stand_in
from ingest.load import LoadResult, load_source
from ingest.sources.base import CADENCES, DEPLOYMENTS, Source

__all__ = ["CADENCES", "CONTRACTS", "DEPLOYMENTS", "OPTIONAL_SOURCES", "SOURCES", "Source", "load"]


def _discover() -> dict[str, Source]:
    found: dict[str, Source] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        if info.name in ("base", "__main__"):
            continue
        source = importlib.import_module(f"{__name__}.{info.name}").SOURCE
        if source.name != info.name:
            raise ValueError(f"ingest/sources/{info.name}.py declares {source.name!r}: the module is named after its source")
        if source.contract is not None:
            source = replace(source, contract=replace(source.contract, source=source.name))
        found[source.name] = source
    return found


SOURCES: dict[str, Source] = _discover()
CONTRACTS: dict[str, Contract] = {n: s.contract for n, s in SOURCES.items() if s.contract is not None}
OPTIONAL_SOURCES: dict[str, str] = {n: s.optional for n, s in SOURCES.items() if s.optional}


def is_known(source: str) -> bool:
    return source in SOURCES


def load(con: duckdb.DuckDBPyConnection, source: str, snapshots: list[Snapshot],
         settings: Settings | None = None) -> LoadResult:
    """Load every snapshot of ``source`` into ``raw.<source>`` / ``raw.<source>_rejects``."""
    target = SOURCES[source].loader
    if target is None:
        return load_source(con, source, snapshots)
    module, func = target.split(":")
    return getattr(importlib.import_module(module), func)(con, snapshots, settings)


def load_or_keep_previous(con: duckdb.DuckDBPyConnection, source: str, snapshots: list[Snapshot],
                          settings: Settings | None = None) -> LoadResult:
    """:func:`load`, refusing a damaged file whole: when a file is refused (stray quote, cut file, row count
    fallen, HTML page, missing column...), the last snapshot of the same location that loaded stands in for
    it, marked stale, and the French reason is recorded as a warning of that file (``raw._manifest.warnings``,
    hence the run report). Without such a snapshot the error is raised: nothing of the source is replaced."""
    refused: dict[str, str] = {}
    while True:
        try:
            result = load(con, source, snapshots, settings)
            break
        except ContractError as exc:
            bad = getattr(exc, "snapshot", None)
            stand_in = stale_stand_in(bad) if bad is not None and not bad.stale else None
            if stand_in is None:
                raise
            refused[stand_in.sha256] = (f"fichier refusé : {exc} La copie précédente du {stand_in.fetched_at[:10]} "
                                        "reste en service (marquée ancienne).")
            snapshots = [stand_in if s is bad else s for s in snapshots]
    for f in result.files:
        if f.snapshot.sha256 in refused:
            f.warnings.insert(0, refused[f.snapshot.sha256])
            con.execute("update raw._manifest set warnings = ? where source = ? and sha256 = ? and loaded_at = "
                        "(select max(loaded_at) from raw._manifest where source = ?)",
                        [" | ".join(f.warnings), source, f.snapshot.sha256, source])
    return result


DBT_SOURCES = PROJECT_ROOT / "dbt_project" / "models" / "staging" / "_sources.yml"


def _yaml_str(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def dbt_sources_yaml() -> str:
    """The dbt ``raw`` source: one table per declared source (with its label, publisher, licence and
    cadence as ``meta``, its columns with their French labels), plus the loader's ``_manifest``."""
    lines = ["# Written by ingest/sources (write_dbt_sources) from the source declarations: do not edit,",
             "# edit ingest/sources/<source>.py.", "version: 2", "", "sources:", "  - name: raw", "    schema: raw",
             "    description: >",
             "      Rows loaded by the ingestion layer (ingest/), one table per source, every published column kept",
             "      as text, plus lineage columns (_source, _file, _sha256, _row, _line). Rows that broke the",
             "      source's contract are in raw.<source>_rejects with their reason.",
             "    tables:"]
    for s in SOURCES.values():
        lines += [f"      - name: {s.name}", f"        description: {_yaml_str(s.description)}", "        meta:"]
        for key in ("label", "publisher", "licence", "cadence"):
            lines.append(f"          {key}: {_yaml_str(getattr(s, key))}")
        lines.append(f"          optional: {'true' if s.optional else 'false'}")
        if s.defects:
            lines.append("          defects:")
            lines += [f"            - {_yaml_str(d)}" for d in s.defects]
        if s.contract is not None:
            lines.append("        columns:")
            for c in s.contract.columns:
                lines += [f"          - name: {_yaml_str(c.name)}",
                          f"            description: {_yaml_str(c.label or c.name)}"]
        for table, text in s.extra_tables.items():
            lines += [f"      - name: {table}", f"        description: {_yaml_str(text)}"]
    lines += ["      - name: _manifest",
              "        description: One row per file loaded (source, location, sha256, bytes, fetched_at, rows "
              "read/loaded/rejected)."]
    return "\n".join(lines) + "\n"


def write_dbt_sources(path: Path = DBT_SOURCES) -> bool:
    """Write the dbt sources file when it differs from the declarations; True when written."""
    text = dbt_sources_yaml()
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    path.write_text(text, encoding="utf-8")
    return True
