"""Loader of source ``occupancy_counts``: occupancy / attendance time series of places.

The format is the one of the real series published for two Paris coworkings (La Permanence,
``attendance.csv``): one row per observation, a timestamp column then one column per site giving the
number of AVAILABLE seats at that time (``timestamp,Moulin,Alésia`` / ``2019-01-08-14-49-06,4,9``).
Any number of sites is accepted (one column each); the timestamp column is the one named
``timestamp`` / ``horodatage`` / ``date`` / ``datetime``, else the first column.

Raw layout (``raw.occupancy_counts``): the published columns kept as text (the timestamp column
renamed ``timestamp``) plus lineage. A row is rejected (``raw.occupancy_counts_rejects``, French reason
naming file, line and column) when its timestamp cannot be read, when a seat count is not a whole
number >= 0, when no site has a value, or when its timestamp repeats an earlier row. Registered in
:data:`ingest.sources.CUSTOM_LOADERS`; rows_read = rows_loaded + rows_rejected per file.
Staging (``stg_occupancy_counts``) unpivots the sites; ``fct_occupancy_daily`` aggregates per day.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import duckdb
import pyarrow as pa

from ingest.config import Settings
from ingest.contracts import Contract
from ingest.errors import ContractError
from ingest.fetch import Snapshot
from ingest.load import LINEAGE, FileResult, LoadResult, add_reject, record_json, reject_columns, replace_raw
from ingest.readers import read_csv

SOURCE = "occupancy_counts"
TIMESTAMP_NAMES = ("timestamp", "horodatage", "date", "datetime", "date_heure", "time")
TIMESTAMP_FORMATS = ("%Y-%m-%d-%H-%M-%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M",
                     "%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M")
COUNT = re.compile(r"\d+")
# A series of timestamps and counts: no value spans lines, so a record over several lines is a stray quote that
# swallowed the lines after it (the file is refused, readers.read_csv); a counter's or a spreadsheet's export may
# end without a line end after its last row (read, with a warning that shows it).
SERIES_FILE = Contract(columns=(), source=SOURCE, max_record_lines=1, last_line_end=False)


def parse_timestamp(text: str) -> datetime | None:
    t = text.strip().rstrip("Z")
    for fmt in TIMESTAMP_FORMATS:
        try:
            return datetime.strptime(t, fmt)
        except ValueError:
            continue
    return None


def _read_series(snap: Snapshot, loaded: dict[str, list], lineage_cols: dict[str, list],
                 rejects: dict[str, list], seen: dict[str, str]) -> FileResult:
    """Read one series file into ``loaded`` / ``lineage_cols`` (its rows) and ``rejects``."""
    name = Path(snap.location).name
    header, records, detected = read_csv(Path(snap.path), SOURCE, SERIES_FILE)
    lower = [h.strip().lower() for h in header]
    ts_idx = next((lower.index(n) for n in TIMESTAMP_NAMES if n in lower), 0)
    sites = [h.strip() for i, h in enumerate(header) if i != ts_idx]
    if not sites or any(not s for s in sites):
        raise ContractError(SOURCE, "en-tête attendu : une colonne d'horodatage puis une colonne par site "
                                    f"(places disponibles) ; trouvé : {', '.join(header)} (ligne 1).",
                            location=snap.location)
    n_before = len(loaded["timestamp"])
    for s in sites:
        loaded.setdefault(s, [None] * n_before)
    fr = FileResult(snapshot=snap, encoding=detected["encoding"], separator=detected["separator"])
    for rec in records:
        fr.rows_read += 1
        vals = [v.strip() if v is not None else "" for v in rec.values]
        reason = None
        if len(vals) != len(header):
            reason = f"nombre de champs incorrect : {len(vals)} au lieu de {len(header)}"
        else:
            ts = vals[ts_idx]
            if parse_timestamp(ts) is None:
                reason = f"colonne « {header[ts_idx]} » (horodatage) : valeur « {ts} » illisible"
            else:
                counts = [v for i, v in enumerate(vals) if i != ts_idx]
                bad = next(((s, v) for s, v in zip(sites, counts) if v and not COUNT.fullmatch(v)), None)
                if bad:
                    reason = (f"colonne « {bad[0]} » (places disponibles) : valeur « {bad[1]} » invalide "
                              "(nombre entier positif ou nul attendu)")
                elif not any(counts):
                    reason = "aucune valeur de places disponibles sur la ligne"
                else:
                    k = parse_timestamp(ts).isoformat() + "|" + "|".join(sites)
                    if k in seen:
                        reason = f"doublon : même horodatage ({ts}) que {seen[k]}"
                    else:
                        seen[k] = f"{name} ligne {rec.line}"
        lineage = (SOURCE, name, snap.sha256, rec.row, rec.line)
        if reason is None:
            fr.rows_loaded += 1
            loaded["timestamp"].append(vals[ts_idx])
            for i, s in zip([i for i in range(len(header)) if i != ts_idx], sites):
                loaded[s].append(vals[i] or None)
            for c, v in zip(LINEAGE, lineage):
                lineage_cols[c].append(v)
        else:
            fr.rows_rejected += 1
            add_reject(rejects, lineage, f"{name}, ligne {rec.line} : {reason}", record_json(header, rec.values))
    fr.warnings.extend(detected.get("warnings", ()))     # the reader's (a last row without line end), once read
    n = len(loaded["timestamp"])
    for values in loaded.values():
        values.extend([None] * (n - len(values)))
    return fr


def load(con: duckdb.DuckDBPyConnection, snapshots: list[Snapshot], settings: Settings | None = None) -> LoadResult:
    loaded: dict[str, list] = {"timestamp": []}
    rejects = reject_columns()
    lineage_cols: dict[str, list] = {c: [] for c in LINEAGE}
    files: list[FileResult] = []
    seen: dict[str, str] = {}
    for snap in snapshots:
        try:
            files.append(_read_series(snap, loaded, lineage_cols, rejects, seen))
        except ContractError as exc:
            exc.of_snapshot(snap)
            raise
    table = {**loaded, **lineage_cols}
    ints = {"_row", "_line"}
    loaded_tbl = pa.table({k: pa.array(v, type=pa.int64() if k in ints else pa.string()) for k, v in table.items()})
    rejects_tbl = pa.table({k: pa.array(v, type=pa.int64() if k in ints else pa.string()) for k, v in rejects.items()})
    replace_raw(con, SOURCE, loaded_tbl, rejects_tbl, files)
    return LoadResult(source=SOURCE, files=files)
