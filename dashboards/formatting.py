"""French number formatting for the dashboard (thin space for thousands, comma for decimals)."""

from __future__ import annotations

import math

import pandas as pd


def fr_number(value, decimals: int = 0, suffix: str = "") -> str:
    """12345.678 -> '12 346' ; fr_number(0.5, 1, ' %') -> '0,5 %' ; None/NaN/NA -> '—'."""
    try:
        if value is None or value is pd.NA or value is pd.NaT or math.isnan(float(value)):
            return "—"
    except (TypeError, ValueError):
        return "—"
    text = f"{float(value):,.{decimals}f}".replace(",", "\u202f").replace(".", ",")
    return text + suffix


def fr_list(items) -> str:
    """'a', 'a et b', 'a, b et c': items joined as a French sentence does."""
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " et " + items[-1]


def fr_count(n, singular: str, plural: str | None = None) -> str:
    """'1 commune', '2 communes', '12 345 lieux': the number in French and the noun agreeing with it (French
    uses the singular below 2)."""
    if n is None or pd.isna(n):
        return f"— {plural or singular + 's'}"
    return f"{fr_number(n)} {singular if abs(float(n)) < 2 else (plural or singular + 's')}"


def _number_formats(df: pd.DataFrame, decimals: dict[str, int] | None, raw: tuple[str, ...]):
    """(df with numbers held in object columns made numeric, {column: French formatter}): whole numbers get
    no decimal, other numbers one, unless ``decimals`` says otherwise; ``raw`` columns are left alone."""
    decimals = decimals or {}
    df = df.copy()
    for col in df.columns:   # numbers held in an object column (None for missing): make them numeric
        if df[col].dtype == object and col not in raw:
            values = df[col].dropna()
            if len(values) and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
                df[col] = pd.to_numeric(df[col])
    formats = {}
    for col in df.columns:
        if col in raw or not pd.api.types.is_numeric_dtype(df[col]) or pd.api.types.is_bool_dtype(df[col]):
            continue
        values = df[col].dropna()
        whole = pd.api.types.is_integer_dtype(df[col]) or bool((values == values.round()).all())
        n = decimals.get(col, 0 if whole else 1)
        formats[col] = (lambda v, n=n: fr_number(v, n))
    return df, formats


def fr_table(df: pd.DataFrame, decimals: dict[str, int] | None = None, raw: tuple[str, ...] = ()):
    """A table styled for French readers: ``2 538``, ``19,8``. Columns keep their numeric values, so
    sorting a column in the dashboard still sorts numbers; identifiers listed in ``raw`` (codes,
    years) are left untouched. Whole numbers get no decimal, other numbers one, unless ``decimals`` says
    otherwise."""
    df, formats = _number_formats(df, decimals, raw)
    return df.style.format(formats, na_rep="—")


def fr_text(df: pd.DataFrame, decimals: dict[str, int] | None = None) -> pd.DataFrame:
    """The same table as French text ('24 695', '97,6'), missing values as '—' (for HTML and PDF exports)."""
    df, formats = _number_formats(df, decimals, ())
    for col, fmt in formats.items():
        df[col] = df[col].map(fmt)
    return df.astype(object).where(df.notna(), "—")


# Vega-Lite axis labels in French: "40 000" rather than "40000" or "40,000" (Streamlit's charts use
# the browser's English number locale). Use as ``alt.Axis(labelExpr=FR_AXIS_LABEL)``.
FR_AXIS_LABEL = "replace(replace(format(datum.value, ','), regexp(',', 'g'), '\u202f'), regexp('[.]', 'g'), ',')"


def fr_labels(df: pd.DataFrame, column: str, decimals: int = 0, suffix: str = "") -> pd.DataFrame:
    """``df`` with a ``<column>_fr`` text column (French number) for chart labels and tooltips."""
    return df.assign(**{f"{column}_fr": df[column].map(lambda v: fr_number(v, decimals, suffix))})
