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
# An amount in euros: digits with a decimal part after "," or "."; one separator followed by exactly three
# digits ("12.500", "12,500") is refused: 12.5 EUR or 12,500 EUR, the file cannot say (normalize="amount").
AMOUNT = r"-?\d+(?:[.,](?:\d{1,2}|\d{4,}))?"


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
    normalize: str | None = None
    """A rule of :data:`NORMALIZERS` applied before the pattern: an identifier whose intent is unambiguous
    (``"82 212 742 900 014"``, ``"2B14"`` where the département says 2B) is corrected, the correction written
    to the per-field report (``raw._field_report``); a value it cannot repair is checked as published."""
    consequence: str = ""
    """French, for an optional column (``required=False``) whose absence costs something: what a file
    without it cannot say ("pas de type : les antennes ne sont pas distinguées"). The loader warns with it."""


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

    vintages: tuple["Vintage", ...] = ()
    """The published vintages whose layout differs (first whose ``signature`` the header holds). The vintage's
    name is recorded on each row (``_vintage``); its ``meanings`` derive the canonical columns."""
    derived: tuple[str, ...] = ()
    """Columns the loader derives from the published values (``Meaning``), present in every raw table."""
    departement: str | None = None
    """The column that holds the département: it says which zero a commune code lost (``normalize``)."""
    max_record_lines: int | None = 1
    """Physical lines a CSV record may span (fields with embedded line breaks): a record spanning more is a
    stray quote that swallowed the lines after it, and the file is refused (None: no bound)."""
    last_line_end: bool = True
    """The publisher ends its files with a line end: a last record without one is a transfer cut there (its
    last value may be cut too), and the file is refused. False for the files the team drops in (answers,
    grants, lists of places): spreadsheet and online-table exports often write no line end after the last
    record, which RFC 4180 allows; the last record is then read, and a warning shows it to be checked."""
    max_row_drop: float | None = None
    """Largest share of rows a file may lose against the previous snapshot of the same location before it
    is taken for a truncated file and refused (None: no bound, e.g. files cut to the territory)."""
    repeated_records: str | None = None
    """For a source without key: what a record repeated identically in a file means (French), e.g. that a
    grant counts twice. Such records are loaded (two identical grants may exist) and the file gets a
    warning naming the lines; None: identical records are expected (individuals of a census file)."""

    source: str = ""               # set from the declaration that holds the contract (ingest/sources)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


@dataclass(frozen=True)
class Meaning:
    """What the values of one published column mean in a vintage: ``values`` maps each spelling (compared
    without case, accents, spaces and underscores) to the derived columns it sets. A spelling not listed sets
    nothing (the derived columns stay null, "non renseigné") and is written to the per-field report."""

    column: str                                   # canonical column read
    values: dict[str, dict[str, str]]
    consequence: str = ""                         # French: what is lost when the column is absent


@dataclass(frozen=True)
class Vintage:
    """One published layout of a source: recognised by ``signature`` (header names, case-insensitive), its
    ``columns`` map published names to canonical ones (before the contract's aliases)."""

    name: str
    signature: tuple[str, ...]
    columns: dict[str, str] = field(default_factory=dict)
    meanings: tuple[Meaning, ...] = ()
    description: str = ""
    absent: tuple[str, ...] = ()
    """Required columns of the contract this layout never published (a file of this vintage loads without
    them, null in raw); the columns standing in for them are in ``not_empty``."""
    not_empty: tuple[str, ...] = ()
    """Columns a row of this vintage must fill (rejected with its reason otherwise), e.g. the commune code
    of a layout that has no other place to write it."""


def spelling(value: str) -> str:
    """A value as compared with the spellings of a :class:`Meaning`: lower case, no accents, no spaces,
    underscores, hyphens or dots at all (« FS itinérante » = « FS itinerante » = « fs_itinerante »)."""
    import unicodedata

    text = unicodedata.normalize("NFKD", value.strip().lower())
    return "".join(ch for ch in text if not unicodedata.combining(ch) and ch not in " _-.'’()")


def luhn_ok(digits: str) -> bool:
    """The Luhn check of a SIREN or SIRET (La Poste's SIRETs, SIREN 356000000, follow their own rule)."""
    if digits.startswith("356000000"):
        return sum(int(d) for d in digits) % 5 == 0
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


_ID_NOISE = re.compile(r"[\s.\u00a0\u202f'\"’-]")


def _digits_id(value: str, width: int, what: str) -> tuple[str | None, str | None]:
    stripped = _ID_NOISE.sub("", value)
    if re.fullmatch(SCIENTIFIC, value.strip()):
        return None, (f"{what} en notation scientifique (identifiant abîmé par un tableur, chiffres perdus) : "
                      "valeur inutilisable, gardée telle que publiée")
    if not re.fullmatch(rf"\d{{{width}}}", stripped):
        return None, f"{what} attendu ({width} chiffres) : valeur inutilisable, gardée telle que publiée"
    if not luhn_ok(stripped):   # kept (and usable) as published when written as digits alone, signalled
        return (value if stripped == value else None), (f"{what} dont la clé de contrôle (Luhn) est fausse : valeur "
                                                        "gardée telle que publiée, à vérifier")
    if stripped == value:
        return value, None
    return stripped, f"{what} écrit avec espaces, points ou guillemets : chiffres gardés, clé de contrôle (Luhn) juste"


_THOUSANDS_SPACE = re.compile(r"-?\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:[.,]\d+)?")
_THOUSANDS_DOT = re.compile(r"-?\d{1,3}(?:\.\d{3})+,\d+")       # 1.234.567,89 (French)
_THOUSANDS_COMMA = re.compile(r"-?\d{1,3}(?:,\d{3})+\.\d+")      # 1,234,567.89 (English)
_EURO = re.compile(r"\s*(?:€|eur|euros?)\s*$", re.IGNORECASE)


def _amount(value: str) -> tuple[str | None, str | None]:
    """An amount written for people ("27 000,00", "1.500,00", "12 500 €") brought to its digits and decimal
    part when the writing is unambiguous; "12.500" (12.5 or 12,500?) is refused."""
    text = _EURO.sub("", value.strip())
    if re.fullmatch(AMOUNT, text) and text == value:
        return value, None
    if re.fullmatch(r"-?\d+[.,]\d{3}", text):
        return None, ("montant ambigu : un seul séparateur suivi de trois chiffres (« 12.500 » : 12,5 € ou 12 500 € ?) : "
                      "ligne rejetée, à faire préciser par l'éditeur")
    if _THOUSANDS_SPACE.fullmatch(text):
        text = re.sub(r"[ \u00a0\u202f]", "", text)
    elif _THOUSANDS_DOT.fullmatch(text):
        text = text.replace(".", "")
    elif _THOUSANDS_COMMA.fullmatch(text):
        text = text.replace(",", "")
    if re.fullmatch(AMOUNT, text):
        return text, "montant écrit avec séparateurs de milliers ou symbole € : chiffres et décimales gardés"
    return None, "montant illisible (ni chiffres, ni séparateur décimal « , » ou « . ») : ligne rejetée"


def normalize_value(rule: str, value: str, departement: str | None = None) -> tuple[str | None, str | None]:
    """(retained value, French rule) for one value: the value itself and None when nothing was done; a
    retained value with its rule when corrected; None with the reason when the value is refused."""
    if rule == "siret":
        return _digits_id(value, 14, "SIRET")
    if rule == "siren":
        return _digits_id(value, 9, "SIREN")
    if rule == "amount":
        return _amount(value)
    if rule == "insee_commune":
        code = value.strip()
        dep = (departement or "").strip().upper()
        if dep.isdigit() and len(dep) < 2:
            dep = dep.zfill(2)
        if re.fullmatch(r"\d{4}", code) and dep and "0" + code[0] == dep:
            return "0" + code, f"code commune sans son zéro initial, rendu par le département {dep}"
        if re.fullmatch(r"2[AB]\d{2}", code, re.IGNORECASE) and dep == code[:2].upper():
            return code[:2].upper() + "0" + code[2:], f"code commune corse sans son zéro, rendu par le département {dep}"
        return value, None
    raise ValueError(f"unknown normalisation rule {rule!r}")


def _c(name, *aliases, **kw) -> Column:
    return Column(name=name, aliases=tuple(aliases), **kw)


def compile_patterns(contract: Contract) -> dict[str, re.Pattern]:
    """The column patterns, ASCII-only (\\d is 0-9) as in DuckDB's RE2, so both load paths agree.

    A pattern must not match a value with whitespace at either end (values are checked stripped)."""
    return {c.name: re.compile(c.pattern, re.ASCII) for c in contract.columns if c.pattern}
