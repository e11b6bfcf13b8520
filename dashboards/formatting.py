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
