"""What a source's contract says: the columns it must have (with their names across vintages) and
the checks each row must pass to be loaded. A row that fails goes to ``raw.<source>_rejects`` with
its reason; values are never coerced here (staging models cast them).

Each source's contract is in its declaration (``ingest/sources/<source>.py``). Adding a new vintage
of a publication whose columns were renamed is one more alias there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

INSEE_COMMUNE = r"(?:\d{5}|2[AB]\d{3})"
# A commune code whose leading zero was lost by a spreadsheet ("1001" for 01001). Accepted where a
# publication is known to lose it; raw keeps it as published and staging pads it (macro commune_code).
INSEE_COMMUNE_OR_LOST_ZERO = r"(?:\d{5}|2[AB]\d{3}|\d{4})"
DEPARTEMENT = r"(?:\d{2,3}|2[AB])"
SIREN = r"\d{9}"
SIRET = r"\d{14}"
POSTCODE_OR_LOST_ZERO = r"\d{4,5}"
FOREIGN_WORKPLACE = r"[A-Z]{2}[0-9A-Z]{3}"
# Excel turned a long identifier into a float: "1.23457E+13", "2,43E+13". The digits are lost for good.
SCIENTIFIC = r"-?\d+(?:[.,]\d+)?[eE][+-]?\d+"
INTEGER = r"-?\d+"
DECIMAL = r"-?\d+(?:[.,]\d+)?"


@dataclass(frozen=True)
class Column:
    """A column of a source. ``name`` is the canonical name in the raw table."""

    name: str
    aliases: tuple[str, ...] = ()
    required: bool = True          # the column must be present in the header
    not_empty: bool = False        # a row with an empty value is rejected
    pattern: str | None = None     # a non-empty value must fully match this regex
    label: str = ""                # what the value is, in French, for reject reasons
    sentinels: tuple[str, ...] = ()  # values published to mean "unknown" (kept, not rejected)


@dataclass(frozen=True)
class Contract:
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()      # a second row with the same key is rejected as a duplicate
    key_per_file: bool = False
    """True when the files of the source are alternative publications of the same referential (each
    file is checked for duplicate keys on its own; the models compare the files)."""
    header_patterns: tuple[tuple[str, str, str], ...] = ()
    """(regex, canonical name, extra column) for headers that embed a vintage, e.g.
    ``NBFLUX_C20_ACTOCC15P`` -> ``NBFLUX_ACTOCC15P`` plus ``census_year`` = 2020."""
    description: str = ""
    extra: dict = field(default_factory=dict)
    header: bool = True
    """False for a CSV published without a header row: the columns are the contract's, in order."""
    sheet: str | None = None        # XLSX: the sheet to read (default: the first one)
    member: str | None = None       # ZIP: regex the data file's name must match (default: the only one)
    coordinates: tuple[str, str] | None = None
    """(latitude column, longitude column): a row whose pair lies outside France but inside France
    once swapped is rejected as "latitude et longitude inversées" (never swapped silently)."""

    source: str = ""               # set from the declaration that holds the contract (ingest/sources)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def _c(name, *aliases, **kw) -> Column:
    return Column(name=name, aliases=tuple(aliases), **kw)


def compile_patterns(contract: Contract) -> dict[str, re.Pattern]:
    """The column patterns, ASCII-only (\\d is 0-9) as in DuckDB's RE2, so both load paths agree.

    A pattern must not match a value with whitespace at either end (values are checked stripped)."""
    return {c.name: re.compile(c.pattern, re.ASCII) for c in contract.columns if c.pattern}
