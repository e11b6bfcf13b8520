"""Great Expectations suites for every raw source and the main marts, run as Dagster asset checks.

Each expectation is ``bloquant`` (a failure stops the publication: the check fails with ERROR
severity and Dagster skips everything downstream, the published warehouse included) or
``avertissement`` (reported, never blocking). Besides the GE expectations, each asset is compared with
the current publication: a row count that drops or grows beyond ``[quality]`` bounds of the
configuration is blocking.

Speed at national scale: a table is never read whole into pandas. Each expectation is also a SQL
aggregate run by DuckDB on the whole table (how many rows break it), and GE 1.x validates a small
pandas sample of the table that holds every kind of offending row (up to :data:`OFFENDERS` per
expectation, duplicates kept together) plus a random sample of :data:`SAMPLE_ROWS` rows. An
expectation passes when both GE and the SQL count agree that nothing is wrong; the reported count
is the SQL count over the whole table, the examples come from GE.

Each run writes an HTML validation report (our Data Docs) per asset in
``<warehouse>/data_docs/<run_id>/`` with an ``index.html``; ``<warehouse>/data_docs/index.html``
lists the runs.
"""

from __future__ import annotations

import functools
import hashlib
import html
import importlib.metadata
import json
import logging
import multiprocessing
import os
import re
import threading
import tomllib
from concurrent.futures import BrokenExecutor, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import duckdb

from ingest.config import Settings
from ingest.contracts import CONTRACTS, INSEE_COMMUNE
from ingest.sources import OPTIONAL_SOURCES
from orchestration.report import BLOCKING, WARNING

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
logging.getLogger("great_expectations").setLevel(logging.ERROR)


@dataclass(frozen=True)
class Rule:
    """One expectation: GE class name, its keyword arguments, severity and a French description."""

    expectation: str
    kwargs: dict
    severity: str
    label: str


def _raw_rules(source: str) -> list[Rule]:
    contract = CONTRACTS[source]
    rules: list[Rule] = []
    for k in contract.key:
        # A key part the publisher may leave empty (e.g. siren_ept: only the EPT of the Grand Paris have
        # one) is not required; a part the contract says is never empty must be there.
        if any(c.name == k and c.not_empty for c in contract.columns):
            rules.append(Rule("ExpectColumnValuesToNotBeNull", {"column": k}, BLOCKING, f"clé {k} renseignée"))
    if contract.key and contract.key_per_file:   # alternative publications: unique within each file
        cols = [*contract.key, "_file"]
        rules.append(Rule("ExpectCompoundColumnsToBeUnique", {"column_list": cols}, BLOCKING,
                          f"clé ({', '.join(contract.key)}) unique dans chaque fichier"))
    elif len(contract.key) == 1:
        rules.append(Rule("ExpectColumnValuesToBeUnique", {"column": contract.key[0]}, BLOCKING,
                          f"clé {contract.key[0]} unique"))
    elif contract.key:
        rules.append(Rule("ExpectCompoundColumnsToBeUnique", {"column_list": list(contract.key)}, BLOCKING,
                          f"clé ({', '.join(contract.key)}) unique"))
    for col in contract.columns:
        if col.pattern and col.required:
            rules.append(Rule("ExpectColumnValuesToMatchRegex", {"column": col.name, "regex": f"^(?:{col.pattern})$"},
                              WARNING, f"{col.label or col.name} au format attendu"))
    if source == "populations":
        for col in ("PMUN", "PTOT"):
            rules.append(Rule("ExpectColumnValuesToMatchRegex", {"column": col, "regex": r"^\d+$"}, BLOCKING,
                              f"{col} : population positive ou nulle"))
    return rules


# Hand-written expectations of the main marts, besides those derived for every mart (mart_rules).
EXTRA_MART_RULES: dict[str, list[Rule]] = {
    "dim_commune": [
        Rule("ExpectColumnValuesToNotBeNull", {"column": "commune_code"}, BLOCKING, "code commune renseigné"),
        Rule("ExpectColumnValuesToBeUnique", {"column": "commune_code"}, BLOCKING, "code commune unique"),
        Rule("ExpectColumnValuesToMatchRegex", {"column": "commune_code", "regex": f"^{INSEE_COMMUNE}$"},
             BLOCKING, "code commune INSEE valide"),
        Rule("ExpectColumnValuesToBeBetween", {"column": "population", "min_value": 0, "max_value": 3_000_000},
             BLOCKING, "population entre 0 et 3 millions"),
        Rule("ExpectColumnValuesToBeBetween", {"column": "latitude", "min_value": -90, "max_value": 90},
             WARNING, "latitude plausible"),
    ],
    "dim_epci": [
        Rule("ExpectColumnValuesToNotBeNull", {"column": "epci_code"}, BLOCKING, "code EPCI renseigné"),
        Rule("ExpectColumnValuesToBeUnique", {"column": "epci_code"}, BLOCKING, "code EPCI unique"),
        Rule("ExpectColumnValuesToMatchRegex", {"column": "epci_code", "regex": r"^\d{9}$"}, WARNING,
             "SIREN d'EPCI à 9 chiffres"),
    ],
    "dim_place": [
        Rule("ExpectColumnValuesToNotBeNull", {"column": "place_id"}, BLOCKING, "identifiant du lieu renseigné"),
        Rule("ExpectColumnValuesToBeUnique", {"column": "place_id"}, BLOCKING, "identifiant du lieu unique"),
    ],
    "fct_coverage_epci": [
        Rule("ExpectColumnValuesToBeUnique", {"column": "epci_code"}, BLOCKING, "une ligne par EPCI"),
        Rule("ExpectColumnValuesToBeBetween", {"column": "n_tiers_lieux", "min_value": 0}, BLOCKING,
             "nombre de tiers-lieux positif ou nul"),
    ],
}



# Expectations derived from column names, for every mart: (pattern, expectation, kwargs, severity, label).
# Range expectations apply to numeric columns only (see validate_table); codes to non-null values.
_NAME_RULES: list[tuple[str, str, dict, str, str]] = [
    (r"(?:.+_)?commune_code", "ExpectColumnValuesToMatchRegex", {"regex": f"^{INSEE_COMMUNE}$"}, BLOCKING,
     "code commune INSEE valide"),
    (r"departement_code", "ExpectColumnValuesToMatchRegex", {"regex": r"^(?:\d{2}|2[AB]|97\d)$"}, WARNING,
     "code de département valide"),
    (r"region_code", "ExpectColumnValuesToMatchRegex", {"regex": r"^\d{2}$"}, WARNING, "code de région valide"),
    (r"epci_code", "ExpectColumnValuesToMatchRegex", {"regex": r"^\d{9}$"}, WARNING, "SIREN d'EPCI à 9 chiffres"),
    (r"share_.+", "ExpectColumnValuesToBeBetween", {"min_value": 0, "max_value": 1}, BLOCKING, "part entre 0 et 1"),
    (r"n_.+|population.*", "ExpectColumnValuesToBeBetween", {"min_value": 0}, BLOCKING, "effectif positif ou nul"),
    (r".+_km", "ExpectColumnValuesToBeBetween", {"min_value": 0, "max_value": 20100}, WARNING,
     "distance entre 0 et 20 100 km"),
    (r"(?!.*change).+_rate", "ExpectColumnValuesToBeBetween", {"min_value": 0, "max_value": 1}, WARNING,
     "taux entre 0 et 1"),
    (r"(?!.*change).+_pct", "ExpectColumnValuesToBeBetween", {"min_value": 0, "max_value": 100}, WARNING,
     "pourcentage entre 0 et 100"),
]
_EXCLUDED_NAMES = re.compile(r"published_.*|old_.*|source_.*")   # codes as published, before harmonisation


def _mart_test_rules(manifest: dict):
    """The dbt tests of the marts that a GE expectation evaluates: (model name, test unique_id, Rule)
    for every not_null, unique, unique_combination_of_columns and accepted_values test attached to a
    model of the ``marts`` schema (blocking, or a warning when the dbt test says ``severity: warn``)."""
    models = {uid: n for uid, n in manifest.get("nodes", {}).items()
              if n.get("resource_type") == "model" and n.get("schema") == "marts"}
    for uid, node in manifest.get("nodes", {}).items():
        model = models.get(node.get("attached_node") or "")
        if node.get("resource_type") != "test" or model is None:
            continue
        if (node.get("config") or {}).get("where"):
            continue   # a test on a subset of rows: run by dbt (GE would test every row)
        meta = node.get("test_metadata") or {}
        kwargs = meta.get("kwargs") or {}
        column = node.get("column_name") or kwargs.get("column_name")
        name = meta.get("name")
        # A dbt test declared `severity: warn` stays a warning in the gate (reported, never blocking).
        severity = WARNING if str((node.get("config") or {}).get("severity", "error")).lower() == "warn" else BLOCKING
        if name == "not_null" and column:
            rule = Rule("ExpectColumnValuesToNotBeNull", {"column": column}, severity, f"{column} renseigné")
        elif name == "unique" and column:
            rule = Rule("ExpectColumnValuesToBeUnique", {"column": column}, severity, f"{column} unique")
        elif name == "unique_combination_of_columns" and kwargs.get("columns"):
            cols = list(kwargs["columns"])
            rule = Rule("ExpectCompoundColumnsToBeUnique", {"column_list": cols}, severity,
                        f"une ligne par ({', '.join(cols)})")
        elif name == "accepted_values" and column and kwargs.get("values"):
            rule = Rule("ExpectColumnValuesToBeInSet", {"column": column, "value_set": list(kwargs["values"])},
                        severity, f"{column} parmi les valeurs admises")
        else:
            continue
        yield model["name"], uid, rule


def dbt_tests_in_suites(manifest: dict) -> list[str]:
    """Names of the dbt tests that the marts' GE suites evaluate (see :func:`mart_rules`). The refresh
    runs them once, as GE expectations of the blocking check ``great_expectations`` of their mart:
    ``dbt build`` excludes them (orchestration.definitions), they are not Dagster checks of their own.
    They stay declared in dbt (documentation, ``dbt test`` by hand); the other dbt tests
    (relationships, expressions, singular tests) still run in ``dbt build``."""
    nodes = manifest.get("nodes", {})
    return sorted(nodes[uid]["name"] for _, uid, _ in _mart_test_rules(manifest))


_SUITE_TESTS = ("not_null", "unique", "unique_combination_of_columns", "accepted_values")


def dbt_exclude_criteria(manifest: dict) -> list[str]:
    """The ``--exclude`` criteria of ``dbt build`` that leave out the tests of
    :func:`dbt_tests_in_suites`.

    dbt evaluates each criterion against every node of the project: the hundred test names cost
    about 1 s of every build. ``test_name:<type>,fqn:marts`` (the four test types, declared in the
    property files of ``models/marts``) say the same in four criteria as long as those files document
    mart models only (intermediate models and seeds have their own files); when they would not select
    exactly those tests, the names are given."""
    names = set(dbt_tests_in_suites(manifest))
    compact = {n["name"] for n in manifest.get("nodes", {}).values()
               if n.get("resource_type") == "test" and (n.get("test_metadata") or {}).get("name") in _SUITE_TESTS
               and n.get("fqn", [None, None])[1:2] == ["marts"]}
    return [f"test_name:{t},fqn:marts" for t in _SUITE_TESTS] if compact == names else sorted(names)


def mart_rules(manifest: dict) -> dict[str, list[Rule]]:
    """The expectation suite of every model of the ``marts`` schema, from dbt's manifest.

    Three parts: the dbt tests of the model turned into GE expectations (not_null, unique,
    unique_combination_of_columns, accepted_values; all blocking; :func:`dbt_tests_in_suites`),
    expectations derived from the column names of the model (codes valid, shares in [0, 1], counts
    and populations positive, distances and rates plausible) and the hand-written ones of
    :data:`EXTRA_MART_RULES`. The row-count change against the previous publication is added by
    :func:`validate_table`.
    """
    models = [n for n in manifest.get("nodes", {}).values()
              if n.get("resource_type") == "model" and n.get("schema") == "marts"]
    suites: dict[str, list[Rule]] = {n["name"]: [] for n in models}
    tests = list(_mart_test_rules(manifest))
    for model, _, rule in sorted(tests, key=lambda t: t[2].expectation != "ExpectColumnValuesToNotBeNull"):
        suites[model].append(rule)   # not-null first, then the other tests, in the manifest's order
    for model in models:
        rules = suites[model["name"]]
        for column in model.get("columns", {}):
            if _EXCLUDED_NAMES.fullmatch(column):
                continue
            for pattern, expectation, kwargs, severity, label in _NAME_RULES:
                if re.fullmatch(pattern, column):
                    rules.append(Rule(expectation, {"column": column, **kwargs}, severity, f"{column} : {label}"))
                    break
        rules += EXTRA_MART_RULES.get(model["name"], [])
        unique: dict[tuple, Rule] = {}
        for r in rules:   # the same expectation twice (a dbt test and a hand-written rule): kept once
            unique.setdefault((r.expectation, repr(sorted(r.kwargs.items()))), r)
        suites[model["name"]] = list(unique.values())
    return suites


def raw_rules(source: str) -> list[Rule]:
    return _raw_rules(source) if source in CONTRACTS else []  # custom loaders declare no contract


def quality_settings(settings: Settings) -> dict:
    """``[quality]`` of the configuration: allowed row-count change against the previous publication."""
    with open(settings.config_path, "rb") as fh:
        raw = tomllib.load(fh).get("quality", {})
    return {"max_row_drop": float(raw.get("max_row_drop", 0.5)), "max_row_growth": float(raw.get("max_row_growth", 3.0))}


_CONTEXT = None
GX_IMPORT_NICE = 10
_POOL = None
_POOL_LOCK = threading.Lock()
_log = logging.getLogger(__name__)


def warm_up() -> None:
    """Start, once per process, a worker process that imports Great Expectations and then runs the
    GE part of every validation (:func:`validate_table`).

    Importing GE costs about 2 s (it pulls scipy, altair...) and would be paid by the first check of
    every run, after the ingestion. Called when a run starts ingesting, the worker imports GE on the
    other core meanwhile. ``OBSERVATOIRE_GX_WORKER=0`` keeps everything in process; a worker that
    cannot start or dies is replaced by the in-process path, with a log line.
    """
    global _POOL
    with _POOL_LOCK:
        if _POOL is not None or os.environ.get("OBSERVATOIRE_GX_WORKER", "1") == "0":
            return
        _POOL = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"),
                                    initializer=_worker_init)
        _POOL.submit(int)   # start the worker now (the pool starts its processes on the first task)


def _worker_init() -> None:
    """Import GE at a lower priority (nice 10, this thread only), back to normal when done if allowed:
    on two cores, the loads and dbt come first; a check that needs GE's result waits for it."""
    tid = threading.get_native_id()
    _set_priority(tid, GX_IMPORT_NICE)
    _gx()
    _set_priority(tid, 0)


def _set_priority(tid: int, nice: int) -> None:
    try:
        os.setpriority(os.PRIO_PROCESS, tid, nice)
    except (OSError, AttributeError):   # raising it back needs a privilege: the worker stays lower
        pass


def _submit(table: str, frame, rules: list[Rule], counts: list[int], total: int):
    """The GE validation handed to the worker (a future), or None when there is no worker."""
    global _POOL
    pool = _POOL
    if pool is None or not rules:
        return None
    try:
        return pool.submit(run_rules, table, frame, rules, counts, total)
    except BrokenExecutor as exc:
        _worker_lost(exc)
        return None


def _result(future, table: str, frame, rules: list[Rule], counts: list[int], total: int) -> list[dict]:
    if future is not None:
        try:
            return future.result()
        except BrokenExecutor as exc:
            _worker_lost(exc)
    return run_rules(table, frame, rules, counts, total)


def _worker_lost(exc: BaseException) -> None:
    global _POOL
    _log.warning("processus Great Expectations indisponible (%s) : validation dans le processus", exc)
    with _POOL_LOCK:
        _POOL = None


def _gx():
    """GE, its ephemeral context and the batch definition every validation goes through (one pandas
    data source, one dataframe asset: created once per process, not per table)."""
    global _CONTEXT
    import great_expectations as gx

    if _CONTEXT is None:
        ctx = gx.get_context(mode="ephemeral")
        ctx.variables.progress_bars = {"globally": False}
        batches = ctx.data_sources.add_pandas("observatoire").add_dataframe_asset("table") \
            .add_batch_definition_whole_dataframe("whole_table")
        _CONTEXT = (ctx, batches)
    return gx, _CONTEXT


def run_rules(table: str, frame, rules: list[Rule], counts: list[int] | None = None,
              total: int | None = None) -> list[dict]:
    """Validate ``frame`` with GE; one outcome dict per rule. ``counts`` (offending rows per rule
    over the whole table, from SQL) and ``total`` (its row count) complete a sampled ``frame``.

    Result format BASIC: the count and up to 20 offending values per expectation, which is all the
    report shows (SUMMARY adds value counts that cost about 40 % more at national scale)."""
    if not rules:
        return []
    gx, (_, batches) = _gx()
    batch = batches.get_batch(batch_parameters={"dataframe": frame})
    suite = gx.ExpectationSuite(name=table.replace(".", "_"))
    for i, r in enumerate(rules):
        suite.add_expectation(getattr(gx.expectations, r.expectation)(**r.kwargs, meta={"rule": i}))
    result = batch.validate(suite, result_format="BASIC")
    by_rule = {res.expectation_config.meta["rule"]: res for res in result.results}
    outcomes = []
    for i, rule in enumerate(rules):
        res = by_rule[i]
        sql_bad = counts[i] if counts is not None else 0
        success = bool(res.success) and not sql_bad
        detail = ""
        error = bool(res.exception_info and res.exception_info.get("raised_exception"))
        if not success:
            if error:
                detail = f"erreur : {res.exception_info.get('exception_message')}"
            else:
                n = sql_bad if counts is not None else res.result.get("unexpected_count")
                sample = res.result.get("partial_unexpected_list") or []
                detail = (f"{n} valeur(s) en défaut sur {total if total is not None else len(frame)}"
                          + (f", par ex. {sample[:3]}" if sample else ""))
        outcomes.append({"check_name": _check_name(rule),
                         "severity": rule.severity, "passed": success,
                         "message": rule.label + (f" — {detail}" if detail else "")}
                        | ({"ge_error": True} if error else {}))
    return outcomes


def _check_name(rule: Rule) -> str:
    return f"{rule.expectation}({', '.join(f'{k}={v}' for k, v in rule.kwargs.items() if k != 'regex')})"


def row_count_rule(table: str, current: int, previous: int | None, bounds: dict) -> dict:
    """Row-count change against the previous publication (blocking beyond the configured bounds)."""
    name = "variation_nombre_lignes"
    if previous is None:
        # First publication (or a table the previous one did not have): nothing to compare with. An
        # empty table is blocking here; an optional source with no rows yet is reported by
        # _count_outcome as a warning.
        return {"check_name": name, "severity": BLOCKING, "passed": current > 0,
                "message": f"{table} : {current} ligne(s), première publication de cette table : "
                           "pas de nombre de lignes précédent à comparer"
                           + ("" if current > 0 else " — table vide")}
    low, high = previous * (1 - bounds["max_row_drop"]), previous * bounds["max_row_growth"]
    # Small tables move by a few rows: 10 rows of slack both ways.
    ok = (previous == 0 and current >= 0) or min(low, previous - 10) <= current <= max(high, previous + 10)
    msg = f"{table} : {current} ligne(s) contre {previous} dans la publication précédente"
    if not ok:
        msg += (f" — variation hors des bornes autorisées (baisse max {bounds['max_row_drop']:.0%}, "
                f"hausse max x{bounds['max_row_growth']:g})")
    return {"check_name": name, "severity": BLOCKING, "passed": ok, "message": msg}


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


SAMPLE_ROWS = 2000   # random rows given to GE besides the offending ones
OFFENDERS = 500      # offending rows per expectation given to GE (the SQL count covers the whole table)


def _q(column: str) -> str:
    return '"' + column.replace('"', '""') + '"'


def _offending(table: str, rule: Rule) -> tuple[str, str | None, str | None]:
    """SQL (``rowid`` subquery ordered so that duplicates stay together) of the rows of ``table``
    breaking ``rule``, and either the SQL count of those rows (uniqueness rules) or the predicate
    that selects them (every other rule: counted with the others in one scan, see _sql_part)."""
    kw = rule.kwargs
    if rule.expectation in ("ExpectColumnValuesToBeUnique", "ExpectCompoundColumnsToBeUnique"):
        cols = [kw["column"]] if "column" in kw else list(kw["column_list"])
        keys = ", ".join(_q(c) for c in cols)
        present = " and ".join(f"{_q(c)} is not null" for c in cols) if "column" in kw else \
            "not (" + " and ".join(f"{_q(c)} is null" for c in cols) + ")"
        dup = f"(select {keys} from {table} where {present} group by {keys} having count(*) > 1)"
        rows = f"select t.rowid from {table} t semi join {dup} d using ({keys}) order by {keys}"
        return rows, f"select count(*) from {table} t semi join {dup} d using ({keys})", None
    col = _q(kw["column"])
    if rule.expectation == "ExpectColumnValuesToNotBeNull":
        pred = f"{col} is null"
    elif rule.expectation == "ExpectColumnValuesToMatchRegex":
        regex = kw["regex"].replace("'", "''")
        pred = f"{col} is not null and not regexp_matches({col}::varchar, '{regex}')"
    elif rule.expectation == "ExpectColumnValuesToBeInSet":
        values = ", ".join("'" + str(v).replace("'", "''") + "'" for v in kw["value_set"])
        pred = f"{col} is not null and {col}::varchar not in ({values})"
    elif rule.expectation == "ExpectColumnValuesToBeBetween":
        bounds = [f"{col} < {kw['min_value']}" if kw.get("min_value") is not None else None,
                  f"{col} > {kw['max_value']}" if kw.get("max_value") is not None else None]
        pred = f"{col} is not null and (" + " or ".join(b for b in bounds if b) + ")"
    else:
        raise ValueError(f"attente sans équivalent SQL : {rule.expectation}")
    return f"select rowid from {table} where {pred}", None, pred


_UNKNOWN = object()


def validate_table(settings: Settings, con: duckdb.DuckDBPyConnection, table: str, rules: list[Rule],
                   previous: int | None | object = _UNKNOWN, bounds: dict | None = None) -> list[dict]:
    """All outcomes for one table of the build file: GE rules (SQL counts on the whole table, GE on
    a sample holding the offending rows), then the row-count change. ``previous`` (the row count in
    the current publication, None without one) and ``bounds`` (:func:`quality_settings`) are read
    when not given."""
    previous = previous_counts(settings, [table])[table] if previous is _UNKNOWN else previous
    return validate_tables(settings, con, [(table, rules)], {table: previous}, bounds)[table]


_PENDING: dict[str, list[tuple]] = {}   # run id -> GE validations not awaited yet (see validate_raw_table)


def validate_raw_table(settings: Settings, con: duckdb.DuckDBPyConnection, table: str, rules: list[Rule],
                       run_id: str) -> list[dict]:
    """:func:`validate_table` for a raw source, without waiting for Great Expectations when it has
    nothing to find.

    Every expectation is first counted by SQL on the whole table. When no row breaks any of them,
    the outcomes are given at once and GE's validation of the sample is left to the worker: it is
    awaited by :func:`confirm_pending`, which the publication calls, so that the dbt build does not
    wait for GE's import (about 4 s of one core, on the critical path of a survey-only refresh) and
    nothing is published before GE agrees. When SQL finds offending rows, GE's result (with its
    examples) is awaited here, as for the marts. Needs the run's steps in one process (the
    in-process executor of the definitions)."""
    for other in [r for r, pending in _PENDING.items() if r != run_id and all(p[1].done() for p in pending)]:
        _PENDING.pop(other, None)   # runs that ended before their publication
    previous = previous_counts(settings, [table])[table]
    bounds = quality_settings(settings)
    total, rules, frame, counts = _sql_part(con, table, rules)
    future = _submit(table, frame, rules, counts, total) if not any(counts) else None
    if future is None:
        outcomes = _result(None, table, frame, rules, counts, total)
    else:
        _PENDING.setdefault(run_id, []).append((table, future, frame, rules, counts, total))
        outcomes = [{"check_name": _check_name(rule), "severity": rule.severity, "passed": True,
                     "message": rule.label} for rule in rules]
    return outcomes + [_count_outcome(table, total, previous, bounds)]


def confirm_pending(run_id: str) -> list[tuple[str, dict]]:
    """Wait for the GE validations that :func:`validate_raw_table` left to the worker for this run;
    the outcomes that GE failed although SQL found nothing, as (table, outcome)."""
    failed = []
    for table, future, frame, rules, counts, total in _PENDING.pop(run_id, []):
        for outcome in _result(future, table, frame, rules, counts, total):
            if not outcome["passed"]:
                failed.append((table, outcome))
    return failed


def validate_tables(settings: Settings, con: duckdb.DuckDBPyConnection, suites: list[tuple[str, list[Rule]]],
                    previous: dict[str, int | None], bounds: dict | None = None,
                    reuse: bool = False) -> dict[str, list[dict]]:
    """:func:`validate_table` for several tables, pipelined: while the GE worker validates the sample
    of one table, this process runs the SQL counts of the next one.

    ``reuse``: a table whose content is the one an earlier run validated with the same rules gets that
    run's outcomes back (:func:`content_fingerprint`, table ``ops.validation_cache`` of the build
    file), its row-count change being measured again; the outcomes of the tables validated are kept
    for the next run. A new survey wave leaves about half of the marts it rebuilds unchanged."""
    bounds = bounds or quality_settings(settings)
    known = _cached_outcomes(con) if reuse else {}
    pending, fresh, results = [], [], {}
    for table, rules in suites:
        fingerprint, total = content_fingerprint(con, table, rules) if reuse else (None, None)
        hit = known.get(table)
        if hit is not None and hit[0] == fingerprint:
            results[table] = [{**o, "reused_from": hit[2]} for o in hit[1]] \
                + [_count_outcome(table, total, previous.get(table), bounds)]
            continue
        total, rules, frame, counts = _sql_part(con, table, rules)
        pending.append((table, fingerprint, total, rules, frame, counts, _submit(table, frame, rules, counts, total)))
    for table, fingerprint, total, rules, frame, counts, future in pending:
        outcomes = _result(future, table, frame, rules, counts, total)
        if fingerprint is not None and not any(o.get("ge_error") for o in outcomes):
            fresh.append((table, fingerprint, outcomes))
        results[table] = outcomes + [_count_outcome(table, total, previous.get(table), bounds)]
    if fresh:
        _store_outcomes(con, fresh)
    return {table: results[table] for table, _ in suites}


_CACHE_DDL = ("create schema if not exists ops; create table if not exists ops.validation_cache "
              "(table_name varchar, fingerprint varchar, outcomes varchar, validated_at timestamp)")


@functools.cache
def _code_digest() -> str:
    """This module's code and the GE and DuckDB versions: what turns a table's content into outcomes."""
    h = hashlib.sha256(Path(__file__).read_bytes())
    h.update(f"{importlib.metadata.version('great_expectations')} {duckdb.__version__}".encode())
    return h.hexdigest()


def content_fingerprint(con: duckdb.DuckDBPyConnection, table: str, rules: list[Rule]) -> tuple[str, int]:
    """What a validation of ``table`` depends on, hashed: its columns and types, its rows (the count
    and the order-independent sum of the rows' DuckDB hashes, one scan), the rules and
    :func:`_code_digest`; and the row count."""
    columns = con.execute(f"describe {table}").fetchall()
    rows = con.execute(f"select count(*), coalesce(sum(hash(t)), 0) from {table} t").fetchone()
    h = hashlib.sha256(_code_digest().encode())
    for part in (table, [(c[0], str(c[1])) for c in columns], rows, [(r.expectation, r.kwargs, r.severity, r.label)
                                                                    for r in rules]):
        h.update(repr(part).encode())
    return h.hexdigest(), rows[0]


def _cached_outcomes(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[str, list[dict], str]]:
    """table -> (fingerprint, outcomes without the row-count change, when validated) of ops.validation_cache."""
    con.execute(_CACHE_DDL)
    return {t: (fp, json.loads(o), f"{at:%d/%m/%Y %H:%M:%S}")
            for t, fp, o, at in con.execute("select table_name, fingerprint, outcomes, validated_at "
                                            "from ops.validation_cache").fetchall()}


def _store_outcomes(con: duckdb.DuckDBPyConnection, fresh: list[tuple[str, str, list[dict]]]) -> None:
    """One row per table (the last validation), replacing the table's earlier row."""
    rows = [(t, fp, json.dumps([{k: v for k, v in o.items() if k != "reused_from"} for o in outcomes],
                               ensure_ascii=False)) for t, fp, outcomes in fresh]
    con.execute("delete from ops.validation_cache where list_contains(?, table_name)", [[r[0] for r in rows]])
    con.executemany("insert into ops.validation_cache values (?, ?, ?, current_localtimestamp())", rows)


def _sql_part(con: duckdb.DuckDBPyConnection, table: str, rules: list[Rule]):
    """Row count, the rules that apply, the sample for GE and the SQL count of offending rows per rule
    (one scan of the table for the row count and every predicate rule, one query per uniqueness rule)."""
    rules = applicable_rules(con, table, rules)
    sqls = [_offending(table, rule) for rule in rules]
    preds = [pred for _, _, pred in sqls if pred is not None]
    scan = con.execute("select count(*)" + "".join(f", count(*) filter (where {p})" for p in preds)
                       + f" from {table}").fetchone()
    total, by_pred = scan[0], iter(scan[1:])
    counts = [next(by_pred) if pred is not None else con.execute(count_sql).fetchone()[0]
              for _, count_sql, pred in sqls]
    parts = [f"(select rowid from {table} using sample reservoir({SAMPLE_ROWS} rows) repeatable (42))"]
    parts += [f"({rows_sql} limit {OFFENDERS})" for (rows_sql, _, _), n in zip(sqls, counts) if n]
    frame = con.execute(f"select * from {table} where rowid in ({' union '.join(parts)})").df() if rules else None
    return total, rules, frame, counts


def _count_outcome(table: str, total: int, previous: int | None, bounds: dict) -> dict:
    count_rule = row_count_rule(table, total, previous, bounds)
    source = table.split(".", 1)[1].strip('"') if table.startswith("raw.") else None
    if source in OPTIONAL_SOURCES and total == 0 and not previous:
        # An optional source with no rows yet (no survey wave received, no grants published): the
        # publication goes on, the run report says the source is empty and what that leaves out.
        count_rule.update(severity=WARNING, passed=False,
                          message=f"{table} : source vide ({OPTIONAL_SOURCES[source]}) — publication sans elle")
        return count_rule
    if table.startswith(("marts.quality_", "marts.meta_")):
        # Lists of problems and metadata: a change of size is worth a warning, an empty list of
        # problems is good news.
        count_rule["severity"] = WARNING
        count_rule["passed"] = count_rule["passed"] or total == 0
    elif table.startswith("marts.") and total == 0:
        count_rule["severity"] = WARNING   # a mart whose optional source is not configured: reported only
    return count_rule


NUMERIC_TYPES = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER",
                 "UBIGINT", "FLOAT", "DOUBLE", "REAL", "DECIMAL")


def applicable_rules(con: duckdb.DuckDBPyConnection, table: str, rules: list[Rule]) -> list[Rule]:
    """``rules`` without the range expectations on columns that are not numeric and without the
    expectations derived from a column name (see mart_rules) on columns the table does not have.
    Expectations from dbt tests and contracts are always kept: a missing column fails them."""
    types = {r[0]: str(r[1]).upper() for r in con.execute(f"describe {table}").fetchall()}
    kept = []
    for r in rules:
        column = r.kwargs.get("column")
        if column is not None and column not in types and r.label.startswith(f"{column} : "):
            continue
        if (r.expectation == "ExpectColumnValuesToBeBetween" and column in types
                and not types[column].startswith(NUMERIC_TYPES)):
            continue
        kept.append(r)
    return kept


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
