"""Great Expectations suites for every raw source and every mart, run as Dagster asset checks.

The marts' dbt tests are run by ``dbt build`` (Dagster shows them as asset checks of their model); the
marts' suites hold what dbt does not state: expectations derived from column names and hand-written ones.

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

import html
import logging
import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

import duckdb

from ingest.config import Settings
from ingest.contracts import INSEE_COMMUNE
from ingest.sources import CONTRACTS, OPTIONAL_SOURCES
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
    """The dbt tests of the marts as the GE expectation that would state the same: (model name, test
    unique_id, Rule) for every not_null, unique, unique_combination_of_columns and accepted_values test
    attached to a model of the ``marts`` schema (used by :func:`mart_rules` to leave them to dbt)."""
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


def mart_rules(manifest: dict) -> dict[str, list[Rule]]:
    """The Great Expectations suite of every model of the ``marts`` schema: what its dbt tests do not
    already check (``dbt build`` runs those, and Dagster shows them as asset checks).

    Two parts: expectations derived from the column names of the model (codes valid, shares in [0, 1],
    counts and populations positive, distances and rates plausible) and the hand-written ones of
    :data:`EXTRA_MART_RULES`; an expectation that one of the model's dbt tests states already is left
    to dbt. The row-count change against the previous publication is added by :func:`validate_table`.
    """
    models = [n for n in manifest.get("nodes", {}).values()
              if n.get("resource_type") == "model" and n.get("schema") == "marts"]
    in_dbt = {(model, r.expectation, repr(sorted(r.kwargs.items()))) for model, _, r in _mart_test_rules(manifest)}
    suites: dict[str, list[Rule]] = {}
    for model in models:
        rules = []
        for column in model.get("columns", {}):
            if _EXCLUDED_NAMES.fullmatch(column):
                continue
            for pattern, expectation, kwargs, severity, label in _NAME_RULES:
                if re.fullmatch(pattern, column):
                    rules.append(Rule(expectation, {"column": column, **kwargs}, severity, f"{column} : {label}"))
                    break
        rules += EXTRA_MART_RULES.get(model["name"], [])
        unique: dict[tuple, Rule] = {}
        for r in rules:   # the same expectation twice: kept once; one a dbt test states: left to dbt
            key = (r.expectation, repr(sorted(r.kwargs.items())))
            if (model["name"], *key) not in in_dbt:
                unique.setdefault(key, r)
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


def validate_raw_table(settings: Settings, con: duckdb.DuckDBPyConnection, table: str, rules: list[Rule],
                       run_id: str) -> list[dict]:
    """:func:`validate_table` for a raw source of the run ``run_id``."""
    return validate_table(settings, con, table, rules)


def validate_tables(settings: Settings, con: duckdb.DuckDBPyConnection, suites: list[tuple[str, list[Rule]]],
                    previous: dict[str, int | None], bounds: dict | None = None) -> dict[str, list[dict]]:
    """:func:`validate_table` for several tables: ``previous`` maps each table to its row count in the
    current publication (None without one)."""
    bounds = bounds or quality_settings(settings)
    results = {}
    for table, rules in suites:
        total, rules, frame, counts = _sql_part(con, table, rules)
        results[table] = run_rules(table, frame, rules, counts, total) + [
            _count_outcome(table, total, previous.get(table), bounds)]
    return results


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
