"""The quality checks that are not dbt tests, run as Dagster asset checks (orchestration/definitions.py).

Where each kind of rule lives:

- a row of a source file: its contract (``ingest/sources/<source>.py``); the loader rejects the rows that
  break it into ``raw.<source>_rejects`` with their reason, so nothing here re-checks a row;
- a raw file as a whole: :func:`validate_raw_source`. A profile of the load is computed in SQL from
  ``raw._manifest``, the raw table and the current publication (share of each file's rows rejected, rows
  loaded, share of filled values of each contract column now and in the publication) and validated once
  by a Great Expectations suite. *Bloquant*: a file with more than ``[quality] max_reject_share`` of its
  rows rejected, and more than :data:`SLACK_ROWS` (a file that cannot be trusted whole is refused whole),
  a row count beyond the bounds against the publication. *Avertissement*: an optional source still empty,
  a column the contract requires entirely empty, a contract column emptier than in the publication by
  more than ``[quality] max_fill_drop`` (share of filled values, in points);
- a mart: its dbt tests (``dbt_project/models/marts/*.yml``; the column-name conventions and the columns'
  declared constraints in the one-scan generic test ``column_rules``), run by ``dbt build`` and shown as
  Dagster asset checks by dagster-dbt; plus its row count against the publication (:func:`mart_row_counts`,
  plain SQL).

A failed *bloquant* check fails its Dagster check with ERROR severity: Dagster skips everything
downstream, the publication included. Each raw check writes an HTML report (our Data Docs) in
``<warehouse>/data_docs/<run_id>/`` with an ``index.html``; ``<warehouse>/data_docs/index.html`` lists
the runs.
"""

from __future__ import annotations

import html
import logging
import math
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

import duckdb

from ingest.config import Settings
from ingest.load import sql_identifier, sql_literal
from ingest.sources import CONTRACTS, OPTIONAL_SOURCES
from orchestration.report import BLOCKING, WARNING

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
logging.getLogger("great_expectations").setLevel(logging.ERROR)

ROW_COUNT = "variation_nombre_lignes"
SLACK_ROWS = 10   # small tables and files move by a few rows: this many rows are always allowed


@dataclass(frozen=True)
class Rule:
    """One expectation: GE class name, its keyword arguments, severity, a French description of what is
    measured and what its failure means (appended to the description when it fails)."""

    expectation: str
    kwargs: dict
    severity: str
    label: str
    failure: str = ""


def quality_settings(settings: Settings) -> dict:
    """``[quality]`` of the configuration: allowed row-count change against the publication, largest share
    of a file's rows rejected, largest fall of a column's share of filled values."""
    with open(settings.config_path, "rb") as fh:
        raw = tomllib.load(fh).get("quality", {})
    return {"max_row_drop": float(raw.get("max_row_drop", 0.5)),
            "max_row_growth": float(raw.get("max_row_growth", 3.0)),
            "max_reject_share": float(raw.get("max_reject_share", 0.05)),
            "max_fill_drop": float(raw.get("max_fill_drop", 0.2))}


def _pct(share: float, digits: int = 0) -> str:
    """A share as a French percentage: 0.052 -> "5 %", with ``digits`` decimals "5,2 %"."""
    return f"{share * 100:.{digits}f}".replace(".", ",") + "\u202f%"



# ----------------------------------------------------------------------------------------- row counts

def row_count_bounds(previous: int | None, bounds: dict) -> tuple[int, float]:
    """Smallest and largest row count accepted against ``previous`` (the count in the publication, None
    without one). Small tables move by a few rows: :data:`SLACK_ROWS` rows of slack both ways."""
    if previous is None:
        return 1, math.inf      # first publication: nothing to compare with, an empty table is wrong
    if previous == 0:
        return 0, math.inf
    low, high = previous * (1 - bounds["max_row_drop"]), previous * bounds["max_row_growth"]
    return max(0, math.ceil(min(low, previous - SLACK_ROWS))), max(high, previous + SLACK_ROWS)


def _count_message(table: str, current: int, previous: int | None) -> str:
    if previous is None:
        return (f"{table} : {current} ligne(s), première publication de cette table : pas de nombre de lignes "
                "précédent à comparer")
    return f"{table} : {current} ligne(s) contre {previous} dans la publication précédente"


def _count_failure(previous: int | None, bounds: dict) -> str:
    if previous is None:
        return "table vide"
    return (f"variation hors des bornes autorisées (baisse max {_pct(bounds['max_row_drop'])}, "
            f"hausse max x{bounds['max_row_growth']:g})")


def row_count_rule(table: str, current: int, previous: int | None, bounds: dict) -> dict:
    """Row-count change against the previous publication (blocking beyond the configured bounds)."""
    low, high = row_count_bounds(previous, bounds)
    ok = low <= current <= high
    return {"check_name": ROW_COUNT, "severity": BLOCKING, "passed": ok,
            "message": _count_message(table, current, previous) + ("" if ok else f" — {_count_failure(previous, bounds)}")}


def previous_counts(settings: Settings, tables: list[str]) -> dict[str, int | None]:
    """Row counts of ``tables`` in the current publication (None for a table it does not have)."""
    out: dict[str, int | None] = {t: None for t in tables}
    if not settings.published_path.exists():
        return out
    try:
        con = duckdb.connect(str(settings.published_path), read_only=True)
    except duckdb.Error:
        return out
    try:
        con.execute("set python_enable_replacements = false")   # a missing table is missing, not a Python name
        for t in tables:
            try:
                out[t] = con.execute(f"select count(*) from {t}").fetchone()[0]
            except duckdb.CatalogException:
                pass
    finally:
        con.close()
    return out


def mart_row_counts(settings: Settings, con: duckdb.DuckDBPyConnection, tables: list[str],
                    previous: dict[str, int | None] | None = None, bounds: dict | None = None) -> dict[str, dict]:
    """The row-count outcome of each mart of ``tables`` (``marts.<name>``) against the publication, counted
    by one query. Blocking beyond the bounds; a warning only for the ``quality_*`` and ``meta_*`` lists (an
    empty list of problems is good news) and for an empty mart (its optional source not configured)."""
    if not tables:
        return {}
    previous = previous_counts(settings, tables) if previous is None else previous
    bounds = bounds or quality_settings(settings)
    counts = dict(con.execute(" union all ".join(f"select '{t}', count(*) from {t}" for t in tables)).fetchall())
    out = {}
    for t in tables:
        outcome = row_count_rule(t, counts[t], previous.get(t), bounds)
        if t.startswith(("marts.quality_", "marts.meta_")):
            outcome["severity"] = WARNING
            outcome["passed"] = outcome["passed"] or counts[t] == 0
        elif counts[t] == 0:
            outcome["severity"] = WARNING
        out[t] = outcome
    return out


# ------------------------------------------------------------------------------------- raw sources

def _filled(column: str, sentinels: tuple[str, ...]) -> str:
    """SQL: count of the filled values of ``column`` (not null, not blank, not a sentinel meaning unknown)."""
    value = f"trim(cast({sql_identifier(column)} as varchar))"
    cond = f"nullif({value}, '') is not null"
    if sentinels:
        cond += f" and {value} not in ({', '.join(sql_literal(s) for s in sentinels)})"
    return f"count(*) filter (where {cond})"


def _fill_shares(con: duckdb.DuckDBPyConnection, table: str, columns: dict[str, tuple]) -> tuple[int, dict]:
    """Row count of ``table`` and the share of filled values of each of ``columns`` it has (one scan)."""
    present = {r[0] for r in con.execute(f"describe {table}").fetchall()}
    cols = [c for c in columns if c in present]
    row = con.execute("select count(*)" + "".join(f", {_filled(c, columns[c])}" for c in cols)
                      + f" from {table}").fetchone()
    n = row[0]
    return n, {c: (v / n if n else None) for c, v in zip(cols, row[1:])}


def raw_profile(settings: Settings, con: duckdb.DuckDBPyConnection, source: str, bounds: dict):
    """The profile of the last load of ``source`` (SQL) and the expectations it must meet: a one-row frame
    and its :class:`Rule` list, for :func:`run_rules`."""
    import pandas as pd

    table = f"raw.{sql_identifier(source)}"
    files = con.execute(
        "select file, rows_read, rows_rejected from raw._manifest where source = ? and loaded_at = "
        "(select max(loaded_at) from raw._manifest where source = ?) order by file, location",
        [source, source]).fetchall()
    contract = CONTRACTS.get(source)
    # The columns whose emptiness the loader does not reject (a not_empty column is never empty).
    watched = {c.name: c.sentinels for c in contract.columns if not c.not_empty} if contract else {}
    labels = {c.name: c.label for c in contract.columns} if contract else {}
    required = {c.name for c in contract.columns if c.required} if contract else set()
    rows, fill = _fill_shares(con, table, watched)
    prev_rows, prev_fill = None, {}
    if settings.published_path.exists():
        pub = duckdb.connect(str(settings.published_path), read_only=True)
        try:
            prev_rows, prev_fill = _fill_shares(pub, table, watched)
        except duckdb.CatalogException:
            pass
        finally:
            pub.close()

    profile: dict[str, float] = {"rows_loaded": rows}
    rules: list[Rule] = []
    for i, (file, read, rejected) in enumerate(files):
        if not read:
            continue
        # A small file may lose a few rows (SLACK_ROWS) whatever their share: 1 bad row of 3 is not a bad file.
        allowed = max(bounds["max_reject_share"], SLACK_ROWS / read)
        profile[f"reject_share[{i}]"] = rejected / read
        rules.append(Rule("ExpectColumnValuesToBeBetween",
                          {"column": f"reject_share[{i}]", "min_value": 0, "max_value": round(allowed, 6)},
                          BLOCKING, f"{file} : {rejected} ligne(s) rejetée(s) sur {read} ({_pct(rejected / read, 1)})",
                          f"plus de {_pct(bounds['max_reject_share'])} des lignes rejetées (et plus de {SLACK_ROWS}) : "
                          "le fichier ne peut être pris en entier, il est refusé"))
    if source in OPTIONAL_SOURCES and rows == 0 and not prev_rows:
        # An optional source with no rows yet (no survey wave received, no grants published): the
        # publication goes on, the report says the source is empty and what that leaves out.
        rules.append(Rule("ExpectColumnValuesToBeBetween", {"column": "rows_loaded", "min_value": 1}, WARNING,
                          f"raw.{source} : source vide ({OPTIONAL_SOURCES[source]})", "publication sans elle"))
    else:
        low, high = row_count_bounds(prev_rows, bounds)
        rules.append(Rule("ExpectColumnValuesToBeBetween",
                          {"column": "rows_loaded", "min_value": low, **({} if high == math.inf else {"max_value": high})},
                          BLOCKING, _count_message(f"raw.{source}", rows, prev_rows), _count_failure(prev_rows, bounds)))
    for name in watched:
        label = f"{name} ({labels[name]})" if labels.get(name) and labels[name] != name else name
        share, before = fill.get(name), prev_fill.get(name)
        if share is not None and name in required:   # an optional column may be empty in a whole file
            profile[f"filled_share[{name}]"] = share
            rules.append(Rule("ExpectColumnValuesToBeBetween",
                              {"column": f"filled_share[{name}]", "min_value": 0, "strict_min": True}, WARNING,
                              f"{label} : {_pct(share)} de valeurs renseignées", "colonne entièrement vide"))
        if before is not None and rows:
            profile[f"filled_drop[{name}]"] = before - (share or 0.0)
            now = f"{_pct(share)} de valeurs renseignées" if share is not None else "colonne absente du fichier"
            rules.append(Rule("ExpectColumnValuesToBeBetween",
                              {"column": f"filled_drop[{name}]", "max_value": bounds["max_fill_drop"]}, WARNING,
                              f"{label} : {now}, {_pct(before)} dans la publication précédente",
                              f"bien moins renseignée qu'avant (baisse de plus de {bounds['max_fill_drop'] * 100:g} points)"))
    return pd.DataFrame([profile]), rules


def validate_raw_source(settings: Settings, con: duckdb.DuckDBPyConnection, source: str,
                        bounds: dict | None = None) -> list[dict]:
    """The outcomes of the raw file checks of ``source`` (see :func:`raw_profile`), validated by GE."""
    frame, rules = raw_profile(settings, con, source, bounds or quality_settings(settings))
    return run_rules(f"raw_{source}", frame, rules) + file_warnings(con, source)


def file_warnings(con: duckdb.DuckDBPyConnection, source: str) -> list[dict]:
    """What the loader said about the files of the last load of ``source`` (``raw._manifest.warnings``: a file
    refused and replaced by its previous snapshot, an optional column missing and what that costs, values a
    vintage does not know), one *avertissement* each, in French."""
    try:
        rows = con.execute(
            "select file, warnings from raw._manifest where source = ? and warnings is not null and loaded_at = "
            "(select max(loaded_at) from raw._manifest where source = ?) order by file", [source, source]).fetchall()
    except duckdb.Error:      # a manifest written before the column existed
        return []
    return [{"check_name": f"fichier_{i + 1}", "severity": WARNING, "passed": False, "message": f"{file} : {w}"}
            for i, (file, w) in enumerate((f, w) for f, ws in rows for w in ws.split(" | "))]


_CONTEXT = None


def _gx():
    """GE, its ephemeral context and the batch definition every validation goes through (one pandas data
    source, one dataframe asset: created once per process, not per source). Imported on first use."""
    global _CONTEXT
    import great_expectations as gx

    if _CONTEXT is None:
        ctx = gx.get_context(mode="ephemeral")
        ctx.variables.progress_bars = {"globally": False}
        batches = ctx.data_sources.add_pandas("observatoire").add_dataframe_asset("profile") \
            .add_batch_definition_whole_dataframe("whole_profile")
        _CONTEXT = (ctx, batches)
    return gx, _CONTEXT


def run_rules(name: str, frame, rules: list[Rule]) -> list[dict]:
    """Validate ``frame`` with GE, one outcome dict per rule (check_name, severity, passed, French message)."""
    if not rules:
        return []
    gx, (_, batches) = _gx()
    batch = batches.get_batch(batch_parameters={"dataframe": frame})
    suite = gx.ExpectationSuite(name=name)
    for i, r in enumerate(rules):
        suite.add_expectation(getattr(gx.expectations, r.expectation)(**r.kwargs, meta={"rule": i}))
    result = batch.validate(suite, result_format="BASIC")
    by_rule = {res.expectation_config.meta["rule"]: res for res in result.results}
    outcomes = []
    for i, rule in enumerate(rules):
        res = by_rule[i]
        detail = ""
        if res.exception_info and res.exception_info.get("raised_exception"):
            detail = f" — erreur : {res.exception_info.get('exception_message')}"
        elif not res.success:
            detail = f" — {rule.failure or 'attente non satisfaite'}"
        outcomes.append({"check_name": _check_name(rule), "severity": rule.severity, "passed": bool(res.success),
                         "message": rule.label + detail})
    return outcomes


def _check_name(rule: Rule) -> str:
    return f"{rule.expectation}({', '.join(f'{k}={v}' for k, v in rule.kwargs.items())})"


# ---------------------------------------------------------------------------------------- data docs

def data_docs_dir(settings: Settings) -> Path:
    return settings.warehouse_dir / "data_docs"


def write_data_docs(settings: Settings, run_id: str, asset: str, outcomes: list[dict], index: bool = True) -> Path:
    """HTML validation report of one asset for one run, plus (``index``) the run and global indexes."""
    root = data_docs_dir(settings)
    folder = root / run_id
    folder.mkdir(parents=True, exist_ok=True)
    rows = "".join(
        f"<tr class={'ok' if o['passed'] else 'ko'}><td>{'réussi' if o['passed'] else 'ÉCHEC'}</td>"
        f"<td>{html.escape(o['severity'])}</td><td>{html.escape(o['check_name'])}</td>"
        f"<td>{html.escape(o['message'])}</td></tr>" for o in outcomes)
    style = ("<style>body{font-family:sans-serif}td,th{border:1px solid #ccc;padding:4px}"
             ".ko{background:#fdd}.ok{background:#efe}</style>")
    page = folder / f"{asset}.html"
    page.write_text(f"<!doctype html><meta charset=utf-8><title>{html.escape(asset)}</title>{style}"
                    f"<h1>Contrôles de qualité : {html.escape(asset)}</h1><p>Exécution {html.escape(run_id)}</p>"
                    f"<table><tr><th>Résultat</th><th>Gravité</th><th>Attente</th><th>Détail</th></tr>{rows}</table>",
                    encoding="utf-8")
    if index:
        write_docs_index(settings, run_id)
    return page


def write_docs_index(settings: Settings, run_id: str) -> None:
    """The index of one run's reports and the index of the runs."""
    root = data_docs_dir(settings)
    folder = root / run_id
    folder.mkdir(parents=True, exist_ok=True)
    links = "".join(f"<li><a href='{p.name}'>{html.escape(p.stem)}</a></li>"
                    for p in sorted(folder.glob("*.html")) if p.name != "index.html")
    (folder / "index.html").write_text(f"<!doctype html><meta charset=utf-8><h1>Exécution {html.escape(run_id)}</h1>"
                                       f"<ul>{links}</ul>", encoding="utf-8")
    runs = "".join(f"<li><a href='{p.name}/index.html'>{html.escape(p.name)}</a></li>"
                   for p in sorted(root.iterdir(), key=lambda p: p.stat().st_mtime, reverse=True) if p.is_dir())
    (root / "index.html").write_text(f"<!doctype html><meta charset=utf-8><h1>Contrôles de qualité par "
                                     f"exécution</h1><ul>{runs}</ul>", encoding="utf-8")
