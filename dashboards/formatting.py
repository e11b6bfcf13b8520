"""French number formatting for the dashboard (thin space for thousands, comma for decimals)."""

from __future__ import annotations

import math


def fr_number(value, decimals: int = 0, suffix: str = "") -> str:
    """12345.678 -> '12 346' ; fr_number(0.5, 1, ' %') -> '0,5 %' ; None/NaN -> '—'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    text = f"{float(value):,.{decimals}f}".replace(",", "\u202f").replace(".", ",")
    return text + suffix
