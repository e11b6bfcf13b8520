"""Load snapshots of a source into DuckDB schema ``raw`` under its contract.

For a source ``s`` a load replaces, in one transaction, ``raw.s`` (rows that passed the contract,
every published column kept as a string, plus lineage columns) and ``raw.s_rejects`` (rows that
did not, with the reason in French and the original record as JSON), and appends one row per file
to ``raw._manifest``. Either everything of the source is replaced or nothing is: a failure leaves
the previous load in place. Every row read is accounted for: ``rows_read = rows_loaded + rows_rejected``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pyarrow as pa

from ingest.contracts import CONTRACTS, SCIENTIFIC, Contract, compile_patterns
from ingest.errors import ContractError
from ingest.fetch import Snapshot
from ingest.readers import read_table

LINEAGE = ("_source", "_file", "_sha256", "_row", "_line")

MANIFEST_DDL = """
create table if not exists raw._manifest (
    source varchar, location varchar, file varchar, sha256 varchar, bytes bigint,
    fetched_at varchar, stale boolean, encoding varchar, separator varchar,
    rows_read bigint, rows_loaded bigint, rows_rejected bigint, loaded_at timestamp
)
"""
MANIFEST_COLUMNS = ("source", "location", "file", "sha256", "bytes", "fetched_at", "stale", "encoding",
                    "separator", "rows_read", "rows_loaded", "rows_rejected", "loaded_at", "format", "member")

# Bounding boxes (lat min, lat max, lon min, lon max) of France: metropolitan France with Corsica,
# then the overseas départements and collectivités. A coordinate pair outside all of them that
# falls inside one once swapped is a latitude/longitude inversion.
FRANCE_BOXES = (
    (41.0, 51.5, -5.8, 10.0),        # métropole et Corse
    (15.8, 18.2, -63.2, -60.9),      # Guadeloupe, Saint-Martin, Saint-Barthélemy
    (14.3, 15.0, -61.3, -60.7),      # Martinique
    (2.0, 6.0, -54.7, -51.5),        # Guyane
    (-21.5, -20.8, 55.1, 56.0),      # La Réunion
    (-13.1, -12.5, 44.9, 45.4),      # Mayotte
    (46.7, 47.2, -56.5, -56.1),      # Saint-Pierre-et-Miquelon
    (-28.0, -7.0, -155.0, -134.0),   # Polynésie française
    (-23.0, -19.0, 163.0, 169.0),    # Nouvelle-Calédonie
    (-14.4, -13.1, -178.3, -176.0),  # Wallis-et-Futuna
)
_SCIENTIFIC = re.compile(SCIENTIFIC)


def in_france(lat: float, lon: float) -> bool:
    return any(a <= lat <= b and c <= lon <= d for a, b, c, d in FRANCE_BOXES)


def swapped_coordinates(lat_text: str | None, lon_text: str | None) -> bool:
    """True when (lat, lon) is outside France but (lon, lat) is inside: the columns were inverted."""
    if not lat_text or not lon_text:
        return False
    try:
        lat = float(lat_text.strip().replace(",", "."))
        lon = float(lon_text.strip().replace(",", "."))
    except ValueError:
        return False
    return not in_france(lat, lon) and in_france(lon, lat)


def value_reason(column: str, label: str, value: str) -> str:
    """French reason for a value that does not match its column's pattern."""
    if _SCIENTIFIC.fullmatch(value.strip()):
        return (f"colonne « {column} » ({label}) : valeur « {value} » en notation scientifique (identifiant "
                "abîmé par un tableur, chiffres perdus : non corrigé)")
    return f"colonne « {column} » ({label}) : valeur « {value} » invalide"


def swapped_reason(lat_col: str, lon_col: str, lat: str, lon: str) -> str:
    return (f"colonnes « {lat_col} » / « {lon_col} » : latitude {lat} et longitude {lon} hors de France, "
            "mais en France une fois inversées (latitude et longitude inversées ; non corrigé)")


@dataclass
class FileResult:
    snapshot: Snapshot
    encoding: str
    separator: str
    format: str = "csv"
    member: str | None = None
    rows_read: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0


@dataclass
class LoadResult:
    source: str
    files: list[FileResult]

    @property
    def rows_read(self) -> int:
        return sum(f.rows_read for f in self.files)

    @property
    def rows_loaded(self) -> int:
        return sum(f.rows_loaded for f in self.files)

    @property
    def rows_rejected(self) -> int:
        return sum(f.rows_rejected for f in self.files)

    @property
    def stale(self) -> bool:
        return any(f.snapshot.stale for f in self.files)


def resolve_header(header: list[str], contract: Contract, source: str, location: str
                   ) -> tuple[list[str], dict[str, str]]:
    """Map a file's header to canonical names. Returns the names and constant extra columns."""
    lookup: dict[str, str] = {}
    for col in contract.columns:
        for alias in (col.name, *col.aliases):
            lookup.setdefault(alias.lower(), col.name)
    names: list[str] = []
    extra: dict[str, str] = {}
    for h in header:
        name = h
        for regex, canonical, extra_col in contract.header_patterns:
            m = re.fullmatch(regex, h, flags=re.IGNORECASE)
            if m:
                name = canonical
                year = int(m.group(1))
                extra[extra_col] = str(2000 + year if year < 100 else year)
        name = lookup.get(name.lower(), name)
        if name in names or not name:
            name = h or f"colonne_{len(names) + 1}"
            while name in names:
                name += "_bis"
        names.append(name)
    missing = [c.name for c in contract.columns if c.required and c.name not in names]
    if missing:
        cols = ", ".join(f"« {m} »" for m in missing)
        raise ContractError(source, f"colonne(s) obligatoire(s) absente(s) : {cols} (ligne 1, en-tête). "
                                    f"Colonnes trouvées : {', '.join(header)}.", location=location)
    return names, extra


def _read_file(snap: Snapshot, contract: Contract, loaded: dict[str, list], rejects: dict[str, list],
               seen_keys: dict[tuple, str]) -> FileResult:
    source = contract.source
    header, records, detected = read_table(snap.path, source, contract)
    names, extra = resolve_header(header, contract, source, snap.location)
    patterns = compile_patterns(contract)
    checks = [(names.index(c.name), c, patterns.get(c.name)) for c in contract.columns if c.name in names]
    key_idx = [names.index(k) for k in contract.key if k in names]
    coords = None
    if contract.coordinates and all(c in names for c in contract.coordinates):
        coords = (names.index(contract.coordinates[0]), names.index(contract.coordinates[1]))
    result = FileResult(snapshot=snap, encoding=detected["encoding"], separator=detected["separator"],
                        format=detected.get("format", "csv"), member=detected.get("member"))
    file_name = Path(snap.location).name
    n_loaded_before = len(loaded["_row"])
    # Every contract column exists in the raw table, even when this vintage of the file lacks it.
    for col in [*names, *extra, *(c.name for c in contract.columns)]:
        loaded.setdefault(col, [None] * n_loaded_before)
    width = len(names)
    for rec in records:
        result.rows_read += 1
        vals = [v if v != "" else None for v in rec.values]
        reason = None
        if len(vals) != width:
            reason = f"nombre de champs incorrect : {len(vals)} au lieu de {width}"
        else:
            for idx, col, rx in checks:
                v = vals[idx]
                label = col.label or col.name
                if v is None or not v.strip():
                    if col.not_empty:
                        reason = f"colonne « {names[idx]} » ({label}) : valeur manquante"
                        break
                    continue
                if rx is not None and v not in col.sentinels and not rx.fullmatch(v.strip()):
                    reason = value_reason(names[idx], label, v)
                    break
            if reason is None and coords is not None and swapped_coordinates(vals[coords[0]], vals[coords[1]]):
                reason = swapped_reason(names[coords[0]], names[coords[1]], vals[coords[0]], vals[coords[1]])
            if reason is None and key_idx:
                key = tuple((vals[i] or "").strip() for i in key_idx)
                where = f"{file_name} ligne {rec.line}"
                if key in seen_keys:
                    reason = (f"doublon : même clé ({', '.join(contract.key)} = {', '.join(key)}) "
                              f"que {seen_keys[key]}")
                else:
                    seen_keys[key] = where
        lineage = (source, file_name, snap.sha256, rec.row, rec.line)
        if reason is None:
            result.rows_loaded += 1
            for name, v in zip(names, vals):
                loaded[name].append(v)
            for name, v in extra.items():
                loaded[name].append(v)
            for name, v in zip(LINEAGE, lineage):
                loaded[name].append(v)
        else:
            result.rows_rejected += 1
            record = dict(zip(header, rec.values)) if len(rec.values) == len(header) else {"valeurs": rec.values}
            for name, v in zip(LINEAGE, lineage):
                rejects[name].append(v)
            rejects["reason"].append(f"{file_name}, ligne {rec.line} : {reason}")
            rejects["record"].append(json.dumps(record, ensure_ascii=False))
    n = len(loaded["_row"])
    for col, values in loaded.items():
        if len(values) < n:
            values.extend([None] * (n - len(values)))
    return result


def _arrow(columns: dict[str, list]) -> pa.Table:
    int_cols = {"_row", "_line"}
    return pa.table({k: pa.array(v, type=pa.int64() if k in int_cols else pa.string())
                     for k, v in columns.items()})


def load_source(con: duckdb.DuckDBPyConnection, source: str, snapshots: list[Snapshot],
                contract: Contract | None = None) -> LoadResult:
    """Read every snapshot of ``source`` and replace its raw tables in one transaction.

    A source without a contract but with a custom loader (:data:`ingest.sources.CUSTOM_LOADERS`) is
    handed to that loader, so every caller can load every known source through this function.
    """
    if contract is None and source not in CONTRACTS:
        from ingest import sources

        if source in sources.CUSTOM_LOADERS:
            return sources.load(con, source, snapshots)
        raise ContractError(source, "aucun contrat ni chargeur n'est défini pour cette source "
                                    "(ingest/contracts.py, ingest/sources.py).")
    contract = contract or CONTRACTS[source]
    loaded: dict[str, list] = {name: [] for name in LINEAGE}
    rejects: dict[str, list] = {name: [] for name in (*LINEAGE, "reason", "record")}
    seen: dict[tuple, str] = {}
    files = [_read_file(s, contract, loaded, rejects, seen) for s in snapshots]
    order = [c for c in loaded if c not in LINEAGE] + list(LINEAGE)
    loaded_tbl = _arrow({c: loaded[c] for c in order})
    rejects_tbl = _arrow(rejects)
    replace_raw(con, source, loaded_tbl, rejects_tbl, files)
    return LoadResult(source=source, files=files)


def replace_raw(con: duckdb.DuckDBPyConnection, source: str, loaded_tbl: pa.Table, rejects_tbl: pa.Table,
                files: list[FileResult]) -> None:
    """Replace ``raw.<source>`` and ``raw.<source>_rejects`` and append the manifest rows, in one transaction.

    ``loaded_tbl`` holds the published columns as strings plus the lineage columns :data:`LINEAGE`;
    ``rejects_tbl`` holds :data:`LINEAGE` + ``reason`` (French, naming file, line and column) + ``record``
    (the original record as JSON). Each :class:`FileResult` must satisfy read = loaded + rejected.
    """
    for f in files:
        if f.rows_read != f.rows_loaded + f.rows_rejected:
            raise ValueError(f"{source}: {f.snapshot.location}: rows read {f.rows_read} != loaded "
                             f"{f.rows_loaded} + rejected {f.rows_rejected}")
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    con.execute("create schema if not exists raw")
    con.execute(MANIFEST_DDL)
    con.execute("alter table raw._manifest add column if not exists format varchar")
    con.execute("alter table raw._manifest add column if not exists member varchar")
    con.execute("begin transaction")
    try:
        con.register("_loaded", loaded_tbl)
        con.register("_rejects", rejects_tbl)
        con.execute(f'create or replace table raw."{source}" as select * from _loaded')
        con.execute(f'create or replace table raw."{source}_rejects" as select * from _rejects')
        for f in files:
            s = f.snapshot
            con.execute(f"insert into raw._manifest ({', '.join(MANIFEST_COLUMNS)}) "
                        f"values ({', '.join('?' * len(MANIFEST_COLUMNS))})",
                        [source, s.location, Path(s.location).name, s.sha256, s.bytes, s.fetched_at, s.stale,
                         f.encoding, f.separator, f.rows_read, f.rows_loaded, f.rows_rejected, now,
                         getattr(f, "format", "csv"), getattr(f, "member", None)])
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    finally:
        con.unregister("_loaded")
        con.unregister("_rejects")
