"""Load snapshots of a source into DuckDB schema ``raw`` under its contract.

For a source ``s`` a load replaces, in one transaction, ``raw.s`` (rows that passed the contract,
every published column kept as a string, plus lineage columns) and ``raw.s_rejects`` (rows that
did not, with the reason in French and the original record as JSON), and appends one row per file
to ``raw._manifest``. Either everything of the source is replaced or nothing is: a failure leaves
the previous load in place. Every row read is accounted for: ``rows_read = rows_loaded + rows_rejected``.
"""

from __future__ import annotations

import json
import os
import re
import zipfile
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pyarrow as pa

from ingest.contracts import SCIENTIFIC, Contract, Vintage, compile_patterns, normalize_value, spelling
from ingest.errors import ContractError
from ingest.fetch import Snapshot, mark_loaded, previous_loaded
from ingest.readers import csv_header, ends_with_line_end, extract_member, read_table, sniff_format

LINEAGE = ("_source", "_file", "_sha256", "_row", "_line")
# A column normalised by the contract (SIRET...) none of whose values is usable, from this many values on, is
# named in a warning of its file (a header whose columns were swapped, identifiers a spreadsheet damaged).
SLACK_VALUES = 3
# The warning of a file without a single record among files that have some (an export of the header only, a
# list emptied on the way): the source's row-count check sees only its total, which the other files keep in
# bounds. A source empty as a whole is reported by its checks (an empty table, an optional source still empty).
EMPTY_FILE = ("aucun enregistrement dans ce fichier (en-tête seul) : rien n'en est chargé ; vérifiez le fichier "
              "ou refaites son export")

MANIFEST_DDL = """
create table if not exists raw._manifest (
    source varchar, location varchar, file varchar, sha256 varchar, bytes bigint,
    fetched_at varchar, stale boolean, encoding varchar, separator varchar,
    rows_read bigint, rows_loaded bigint, rows_rejected bigint, loaded_at timestamp
)
"""
MANIFEST_COLUMNS = ("source", "location", "file", "sha256", "bytes", "fetched_at", "stale", "encoding",
                    "separator", "rows_read", "rows_loaded", "rows_rejected", "loaded_at", "format", "member",
                    "vintage", "warnings", "corrections")
# The per-field report: every value the loader corrected (retained_value set) or refused (a rejected row's
# value, or an identifier it could not repair), with its rule in French; the team can send it back to the
# publisher (write_field_report). Replaced per source with the source's raw tables.
FIELD_REPORT_DDL = """
create table if not exists raw._field_report (
    source varchar, file varchar, line bigint, column_name varchar, original_value varchar,
    retained_value varchar, rule varchar
)
"""
FIELD_REPORT_HEADER = ("source", "fichier", "ligne", "colonne", "valeur_publiee", "valeur_retenue", "regle")

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
    rows_read: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    format: str = "csv"               # csv, json, geojson, xlsx, zip:<inner format>
    member: str | None = None         # the data file read inside a zip
    engine: str = "python"            # "duckdb" when the fast CSV path read the file
    vintage: str | None = None        # the vintage recognised (contract.vintages), recorded on each row
    warnings: list[str] = field(default_factory=list)
    """French: what this file cannot say (a missing optional column and its consequence, unknown values)."""
    corrections: list[tuple] = field(default_factory=list)
    """(line, column, original value, retained value or None, French rule) per corrected or refused value."""


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

    @property
    def warnings(self) -> list[str]:
        return [w for f in self.files for w in f.warnings]

    @property
    def corrections(self) -> int:
        return sum(1 for f in self.files for c in f.corrections if c[3] is not None)


def detect_vintage(header: list[str], contract: Contract) -> Vintage | None:
    """The first of the contract's vintages whose signature columns the header holds (case-insensitive)."""
    present = {h.strip().lower() for h in header}
    return next((v for v in contract.vintages if all(c.lower() in present for c in v.signature)), None)


def resolve_header(header: list[str], contract: Contract, source: str, location: str,
                   vintage: Vintage | None = None) -> tuple[list[str], dict[str, str]]:
    """Map a file's header to canonical names (the vintage's names first, then the contract's aliases).
    Returns the names and constant extra columns."""
    lookup: dict[str, str] = {}
    if vintage is not None:
        lookup.update({k.lower(): v for k, v in vintage.columns.items()})
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
                if extra_col in extra:   # two vintages in one file: which one would the figures be of?
                    raise ContractError(source, (
                        f"deux colonnes « {canonical} » de millésimes différents dans l'en-tête (ligne 1) : "
                        f"{', '.join(x for x in header if re.fullmatch(regex, x, flags=re.IGNORECASE))}. Le fichier "
                        "doit être celui d'un seul millésime : rien n'a été chargé ; chargez la publication d'origine, "
                        "un fichier par année."), location=location)
                name = canonical
                year = int(m.group(1))
                extra[extra_col] = str(2000 + year if year < 100 else year)
            elif canonical.lower() == h.strip().lower():
                # The canonical name itself says no vintage: the figures would not say their base.
                raise ContractError(source, (
                    f"la colonne « {h} » (ligne 1, en-tête) ne dit pas son millésime : l'éditeur la nomme avec "
                    f"l'année (par exemple « {re.sub(r'[(][^)]*[)]', '21', regex, count=1)} » pour 2021) et le "
                    "produit en tire l'année de chaque chiffre. Rien n'a été chargé ; chargez le fichier tel que "
                    "publié, ou renommez la colonne avec son année."), location=location)
        name = lookup.get(name.lower(), name)
        if name in names or not name:
            name = h or f"colonne_{len(names) + 1}"
            while name in names:
                name += "_bis"
        names.append(name)
    exempt = set(vintage.absent) if vintage is not None else set()
    missing = [c.name for c in contract.columns if c.name not in names and (
        (c.required and c.name not in exempt) or (vintage is not None and c.name in vintage.not_empty))]
    if missing:
        cols = ", ".join(f"« {m} »" for m in missing)
        raise ContractError(source, f"colonne(s) obligatoire(s) absente(s) : {cols} (ligne 1, en-tête). "
                                    f"Colonnes trouvées : {', '.join(header)}. Rien n'a été chargé : vérifiez que "
                                    "le fichier est bien celui de la source, tel que publié (les éditions lues sont "
                                    "décrites dans docs/sources.md) ; si l'éditeur a renommé ces colonnes, signalez-le "
                                    "à l'équipe technique (un nom de colonne à ajouter à la déclaration).",
                            location=location)
    if vintage is not None:
        extra["_vintage"] = vintage.name
    return names, extra


def contract_columns(contract: Contract) -> list[str]:
    """The columns every raw table of the source has, whatever the file: the contract's, the derived ones
    and ``_vintage`` when the contract knows vintages."""
    return [*(c.name for c in contract.columns), *contract.derived, *(["_vintage"] if contract.vintages else [])]


def file_warnings(contract: Contract, names: list[str], vintage: Vintage | None) -> list[str]:
    """French warnings for the optional columns a file lacks whose absence costs something."""
    out = []
    for c in contract.columns:
        if not c.required and c.consequence and c.name not in names:
            out.append(f"colonne facultative « {c.name} » absente : {c.consequence}")
    for m in (vintage.meanings if vintage is not None else ()):
        if m.column not in names and m.consequence:
            line = f"colonne facultative « {m.column} » absente : {m.consequence}"
            if line not in out:
                out.append(line)
    return out


REJECT_COLUMNS = (*LINEAGE, "reason", "record")


def reject_columns() -> dict[str, list]:
    """The empty columns of a source's rejects (``raw.<source>_rejects``): lineage, reason, record."""
    return {name: [] for name in REJECT_COLUMNS}


def add_reject(rejects: dict[str, list], lineage: tuple, reason: str, record: str) -> None:
    """One rejected row appended to ``rejects``: its lineage (:data:`LINEAGE`), its reason in French and
    the record as JSON text."""
    for name, v in zip(LINEAGE, lineage):
        rejects[name].append(v)
    rejects["reason"].append(reason)
    rejects["record"].append(record)


def record_json(header: list[str], values: list) -> str:
    """A CSV record as JSON for a reject: by column name, or the bare values when its width is not the
    header's."""
    return json.dumps(dict(zip(header, values)) if len(values) == len(header) else {"valeurs": values},
                      ensure_ascii=False)


def _python_file(snap: Snapshot, contract: Contract, seen_keys: dict[tuple, str], part: str,
                 con: duckdb.DuckDBPyConnection) -> tuple[FileResult, list[str]]:
    """Read one file record by record in Python (every format, every oddity of a CSV)."""
    source = contract.source
    header, records, detected = read_table(snap.path, source, contract)
    vintage = detect_vintage(header, contract)
    names, extra = resolve_header(header, contract, source, snap.location, vintage)
    patterns = compile_patterns(contract)
    filled = set(vintage.not_empty) if vintage is not None else set()
    checks = [(names.index(c.name), replace(c, not_empty=True) if c.name in filled else c, patterns.get(c.name))
              for c in contract.columns if c.name in names]
    normalize = [(names.index(c.name), c.normalize) for c in contract.columns if c.normalize and c.name in names]
    dep_idx = names.index(contract.departement) if contract.departement in names else None
    meanings = [(m, names.index(m.column)) for m in (vintage.meanings if vintage else ()) if m.column in names]
    key_idx = [names.index(k) for k in contract.key if k in names]
    coords = None
    if contract.coordinates and all(c in names for c in contract.coordinates):
        coords = (names.index(contract.coordinates[0]), names.index(contract.coordinates[1]))
    result = FileResult(snapshot=snap, encoding=detected["encoding"], separator=detected["separator"],
                        format=detected.get("format", "csv"), member=detected.get("member"),
                        vintage=vintage.name if vintage else None,
                        warnings=file_warnings(contract, names, vintage))
    file_name = Path(snap.location).name
    # Every contract column exists in the raw table, even when this vintage of the file lacks it.
    columns = list(dict.fromkeys([*names, *extra, *contract_columns(contract)]))
    loaded: dict[str, list] = {c: [] for c in (*columns, *LINEAGE)}
    rejects = reject_columns()
    absent = [c for c in columns if c not in names and c not in extra and c not in contract.derived]
    unknown: dict[str, set] = {}
    width = len(names)
    wrong_width: list[tuple[int, int]] = []    # (line, fields) of the records whose width is not the header's
    first_line: dict[tuple, int] = {}          # contract.repeated_records: line of each distinct record
    repeated: list[tuple[int, int]] = []       # (line, line of the identical record before it)
    unusable = {idx: [0, 0, None] for idx, _ in normalize}   # values given, values refused, first refused
    for rec in records:
        result.rows_read += 1
        vals = [v if v != "" else None for v in rec.values]
        reason = None
        if len(vals) != width:
            wrong_width.append((rec.line, len(vals)))
            reason = f"nombre de champs incorrect : {len(vals)} au lieu de {width}"
        else:
            refused: dict[int, str] = {}
            for idx, rule in normalize:
                v = vals[idx]
                if v is None or not v.strip():
                    continue
                retained, why = normalize_value(rule, v, vals[dep_idx] if dep_idx is not None else None)
                unusable[idx][0] += 1
                if retained is None:
                    unusable[idx][1] += 1
                    unusable[idx][2] = unusable[idx][2] or f"« {v} » : {why}"
                if why is not None:
                    result.corrections.append((rec.line, names[idx], v, retained if retained != v else None, why))
                if retained is not None:
                    vals[idx] = retained
                elif why is not None:
                    refused[idx] = why
            for idx, col, rx in checks:
                v = vals[idx]
                label = col.label or col.name
                if v is None or not v.strip():
                    if col.not_empty:
                        reason = f"colonne « {names[idx]} » ({label}) : valeur manquante"
                        break
                    continue
                if rx is not None and v not in col.sentinels and not rx.fullmatch(v.strip()):
                    reason = value_reason(names[idx], label, v) + (f" : {refused[idx]}" if idx in refused else "")
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
        if reason is None and contract.repeated_records:
            before = first_line.setdefault(tuple(vals), rec.line)
            if before != rec.line:
                repeated.append((rec.line, before))
        if reason is None:
            result.rows_loaded += 1
            derived: dict[str, str] = {}
            for m, idx in meanings:
                v = vals[idx] or ""
                meaning = m.values.get(spelling(v))
                if meaning is None:
                    unknown.setdefault(m.column, set()).add(v)
                    result.corrections.append((rec.line, names[idx], v, None,
                                               f"valeur inconnue du millésime {vintage.name} : non interprétée, "
                                               "« non renseigné »"))
                else:
                    derived.update(meaning)
            for name, v in zip(names, vals):
                loaded[name].append(v)
            for name, v in extra.items():
                loaded[name].append(v)
            for name in contract.derived:
                if name not in names:
                    loaded[name].append(derived.get(name))
            for name in absent:
                loaded[name].append(None)
            for name, v in zip(LINEAGE, lineage):
                loaded[name].append(v)
        else:
            result.rows_rejected += 1
            add_reject(rejects, lineage, f"{file_name}, ligne {rec.line} : {reason}", record_json(header, rec.values))
    check_widths(wrong_width, result.rows_read, width, detected.get("separator"), source, snap.location)
    result.warnings.extend(detected.get("warnings", ()))     # the reader's, once every record is read
    if repeated:
        shown = ", ".join(f"ligne {line} = ligne {before}" for line, before in repeated[:5])
        result.warnings.append(f"{len(repeated)} enregistrement(s) identique(s) en tout point à un enregistrement "
                               f"précédent du fichier ({shown}{', ...' if len(repeated) > 5 else ''}) : chargé(s) tel(s) "
                               f"quel(s), {contract.repeated_records} ; si c'est une ligne copiée deux fois, faites "
                               "corriger le fichier par son éditeur")
    for idx, (given, refused_n, example) in unusable.items():
        if given >= SLACK_VALUES and refused_n == given:
            col = contract.column(names[idx])
            result.warnings.append(f"colonne « {names[idx]} » ({col.label or col.name}) : aucune de ses {given} valeurs "
                                   f"n'est utilisable (ex. {example}) : colonnes inversées dans l'en-tête, ou "
                                   "identifiants abîmés par un tableur ? Vérifiez le fichier")
    for column, values in unknown.items():
        shown = ", ".join(f"« {v} »" for v in sorted(values)[:5])
        result.warnings.append(f"colonne « {column} » : valeur(s) inconnue(s) du millésime {vintage.name} ({shown}) : "
                               "« non renseigné » pour ces lignes (voir le rapport par champ)")
    con.register(f"{part}_loaded", _arrow(loaded))
    con.register(f"{part}_rejects", _arrow(rejects))
    return result, columns


def check_widths(wrong_width: list[tuple[int, int]], rows_read: int, width: int, separator: str | None,
                 source: str, location: str) -> None:
    """Refuse a file whose records mostly do not have the header's number of fields: its separator is not
    protected (a value holding it without quotes, "27 000,00" in a file separated by ","), so no record can be
    trusted to have its values under the right columns. A few such records (or a single one) are rejected one
    by one."""
    if len(wrong_width) < 2 or len(wrong_width) * 2 <= rows_read:
        return
    line, fields = wrong_width[0]
    sep = f"« {separator} »" if separator and separator != "\t" else "le séparateur"
    raise ContractError(source, (
        f"{len(wrong_width)} enregistrement(s) sur {rows_read} n'ont pas le nombre de champs de l'en-tête ({width}), "
        f"dès la ligne {line} ({fields} champs) : des valeurs contiennent le séparateur {sep} sans guillemets "
        "(par exemple un montant « 27 000,00 » dans un fichier séparé par des virgules), les colonnes ne peuvent "
        "plus être attribuées. Le fichier est refusé en entier ; demandez à l'éditeur un fichier dont ces valeurs "
        "sont entre guillemets, ou séparé par « ; »."), location=location)


def _arrow(columns: dict[str, list]) -> pa.Table:
    int_cols = {"_row", "_line"}
    return pa.table({k: pa.array(v, type=pa.int64() if k in int_cols else pa.string())
                     for k, v in columns.items()})


# ------------------------------------------------------------------------------------ fast path
# Large CSV files are read by DuckDB and checked in SQL, with results identical to the Python path
# (tests/test_ingest_fast.py loads the same files through both). Used when the file is a CSV of at
# least FAST_CSV_MIN_BYTES whose every record is one physical line (no embedded newline, no blank
# line: then the line of record n is n + 1); anything DuckDB's strict reader refuses (a row with a
# wrong number of fields, a stray quote) goes back to the Python path, which names the line.
FAST_CSV_MIN_BYTES = 16 << 20
# Python's str.strip() whitespace, for DuckDB's trim(): values are compared stripped in both paths.
PY_WHITESPACE = (" \t\n\x0b\x0c\r\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
                 "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")
_RE2_WS = ("[\\t\\n\\x0b\\x0c\\r\\x1c-\\x1f \\x{85}\\x{a0}\\x{1680}\\x{2000}-\\x{200a}\\x{2028}\\x{2029}"
           "\\x{202f}\\x{205f}\\x{3000}]")


def sql_identifier(name: str) -> str:
    """``name`` as a quoted SQL identifier (double quotes doubled)."""
    return '"' + name.replace('"', '""') + '"'


def sql_literal(text: str) -> str:
    """``text`` as a SQL string literal (single quotes doubled)."""
    return "'" + text.replace("'", "''") + "'"


def line_layout(path: Path) -> tuple[int, bool]:
    """(number of physical lines, whether one of them is blank), reading the bytes once."""
    lines, blank, tail = 0, False, b"\n"
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 24), b""):
            lines += chunk.count(b"\n")
            if not blank:
                joined = tail + chunk[:2]
                blank = b"\n\n" in chunk or b"\n\r\n" in chunk or b"\n\n" in joined or b"\n\r\n" in joined
            tail = chunk[-2:]
    if tail and not tail.endswith(b"\n"):
        lines += 1
    return lines, blank


def _utf8_copy(path: Path, encoding: str) -> Path:
    """DuckDB reads UTF-8: a cp1252/UTF-16 file is transcoded once, next to its snapshot."""
    if encoding in ("utf-8", "utf-8-sig"):
        return path
    out = path.parent / f".{path.name}.utf8"
    if out.exists():
        return out
    tmp = path.parent / f".{path.name}.utf8.part"
    with path.open("r", encoding=encoding, newline="") as src, tmp.open("w", encoding="utf-8", newline="") as dst:
        for chunk in iter(lambda: src.read(1 << 22), ""):
            dst.write(chunk)
    os.replace(tmp, out)
    return out


def _fast_file(con: duckdb.DuckDBPyConnection, snap: Snapshot, contract: Contract, seen_keys: dict[tuple, str],
               part: str, more_files: bool, fast: bool | None) -> tuple[FileResult, list[str]] | None:
    """Load one CSV (zipped or not) with DuckDB and SQL checks; None when the file needs the Python path."""
    source = contract.source
    path, member = Path(snap.path), None
    if not contract.header or any(v.meanings or v.not_empty for v in contract.vintages) \
            or any(c.normalize for c in contract.columns) or not _use_fast(path, fast):
        return None   # vintages whose values mean something, identifier corrections: the Python path
    fmt = sniff_format(path, source)
    if fmt == "zip":
        path, member = extract_member(path, source, contract.member)
        if not _use_fast(path, fast):
            return None
        fmt = sniff_format(path, source)
    if fmt != "csv":
        return None
    header, detected = csv_header(path, source)
    if len(set(header)) != len(header):
        return None
    vintage = detect_vintage(header, contract)     # a vintage here only renames columns
    names, extra = resolve_header(header, contract, source, snap.location, vintage)
    n_lines, blank = line_layout(path)
    if blank or not ends_with_line_end(path, detected["encoding"]):
        return None   # the Python path names the blank line, or refuses the truncated file
    data = _utf8_copy(path, detected["encoding"])
    width = len(names)
    cols = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(width))
    csv_scan = (f"read_csv({sql_literal(str(data))}, delim={sql_literal(detected['separator'])}, quote='\"', escape='\"', "
                f"header=false, skip=1, columns={{{cols}}}, auto_detect=false, strict_mode=true, "
                f"null_padding=false, encoding='utf-8', max_line_size=16777216)")
    ws = sql_literal(PY_WHITESPACE)

    def col(i):
        return f"c{i}"

    ws_codes = ", ".join(str(ord(ch)) for ch in PY_WHITESPACE)
    ws_chars = ", ".join(sql_literal(ch) for ch in PY_WHITESPACE)

    def stripped(i):
        # trim() with the whole Unicode whitespace set is slow: only called when an end is whitespace.
        c = col(i)
        return (f"(case when {c} is null then null when ascii({c}) in ({ws_codes}) "
                f"or right({c}, 1) in ({ws_chars}) then trim({c}, {ws}) else {c} end)")

    def blank_sql(i):
        c = col(i)
        return f"({c} is null or {c} = '' or (ascii({c}) in ({ws_codes}) and trim({c}, {ws}) = ''))"

    # One reason per column, in the contract's order; the first non-null one is the row's (as in Python).
    reasons = []
    for c in contract.columns:
        if c.name not in names:
            continue
        i = names.index(c.name)
        label = c.label or c.name
        missing = sql_literal(f"colonne « {names[i]} » ({label}) : valeur manquante") if c.not_empty else "null"
        if c.pattern:
            # Contract patterns never match a value with whitespace at an end, so "the stripped value
            # matches" is "the value matches" (the usual case, cheap) or "it matches once ends are trimmed".
            sentinel = f"when {col(i)} in ({', '.join(sql_literal(x) for x in c.sentinels)}) then null " if c.sentinels else ""
            scientific = f"regexp_full_match({stripped(i)}, {sql_literal(SCIENTIFIC)})"
            prefix = f"colonne « {names[i]} » ({label}) : valeur « "
            invalid = (f"{sql_literal(prefix)} || {col(i)} || case when {scientific} then "
                       f"{sql_literal(' » en notation scientifique (identifiant abîmé par un tableur, chiffres perdus : non corrigé)')}"
                       f" else {sql_literal(' » invalide')} end")
            reasons.append(f"case when regexp_full_match({col(i)}, {sql_literal(c.pattern)}) then null "
                           f"when {blank_sql(i)} then {missing} {sentinel}"
                           f"when regexp_full_match({col(i)}, {sql_literal(f'{_RE2_WS}*(?:{c.pattern}){_RE2_WS}*')}) then null "
                           f"else {invalid} end")
        elif c.not_empty:
            reasons.append(f"case when {blank_sql(i)} then {missing} end")
    if contract.coordinates and all(c in names for c in contract.coordinates):
        la, lo = (names.index(c) for c in contract.coordinates)
        lat = f"try_cast(replace({stripped(la)}, ',', '.') as double)"
        lon = f"try_cast(replace({stripped(lo)}, ',', '.') as double)"

        def inside(y, x):
            return "(" + " or ".join(f"({y} between {a} and {b} and {x} between {c} and {d})"
                                     for a, b, c, d in FRANCE_BOXES) + ")"

        prefix = f"colonnes « {names[la]} » / « {names[lo]} » : latitude "
        reasons.append(f"case when not {blank_sql(la)} and not {blank_sql(lo)} and {lat} is not null "
                       f"and {lon} is not null and not {inside(lat, lon)} and {inside(lon, lat)} then "
                       f"{sql_literal(prefix)} || {col(la)} || ' et longitude ' || {col(lo)} || "
                       f"{sql_literal(' hors de France, mais en France une fois inversées (latitude et longitude inversées ; non corrigé)')}"
                       f" end")
    reason_sql = (f"coalesce({', '.join(reasons)})" if len(reasons) > 1 else reasons[0]) if reasons else "null::varchar"
    checked = f"{part}_checked"
    key_idx = [names.index(k) for k in contract.key if k in names]
    keys = [f"coalesce({stripped(i)}, '') as k{j}" for j, i in enumerate(key_idx)]
    raw_tbl = f"{part}_csv"
    try:   # materialised first: rowid is then the record's position in the file
        con.execute(f"create or replace temp table {raw_tbl} as select * from {csv_scan}")
    except duckdb.Error:
        con.execute(f"drop table if exists {raw_tbl}")
        return None
    if con.execute(f"select count(*) from {raw_tbl}").fetchone()[0] + 1 != n_lines:
        con.execute(f"drop table {raw_tbl}")
        return None
    con.execute(f"create or replace temp table {checked} as select rowid + 1 as _row, rowid + 2 as _line, "
                f"{reason_sql} as _reason{''.join(', ' + k for k in keys)}, * from {raw_tbl}")
    con.execute(f"drop table {raw_tbl}")
    file_name = Path(snap.location).name
    if key_idx:
        kcols = [f"k{j}" for j in range(len(key_idx))]
        klist = ", ".join(kcols)
        # Keys seen in the earlier files of the source come first.
        prior = f"{part}_prior"
        if seen_keys:
            con.register(prior, pa.table({**{k: [key[j] for key in seen_keys] for j, k in enumerate(kcols)},
                                          "_where": list(seen_keys.values())}))
            prior_join = (f"left join {prior} p using ({klist})")
            prior_where = "p._where"
        else:
            prior_join, prior_where = "", "null::varchar"
        key_text = ", ".join(contract.key)
        key_values = " || ', ' || ".join(kcols)
        con.execute(f"""
            create or replace temp table {part}_dups as
            with valid as (select _row, _line, {klist} from {checked} where _reason is null),
            groups as (select {klist}, min(_row) as first_row, min(_line) as first_line, count(*) as n
                       from valid group by all),
            firsts as (select g.*, {prior_where} as prior_where from groups g {prior_join})
            select v._row, 'doublon : même clé ({key_text.replace("'", "''")} = ' || {' || '.join(['v.' + k + (" || ', ' " if j < len(kcols) - 1 else '') for j, k in enumerate(kcols)])}
                   || ') que ' || coalesce(f.prior_where, {sql_literal(file_name)} || ' ligne ' || f.first_line) as reason
            from valid v join firsts f using ({klist})
            where f.prior_where is not null or (f.n > 1 and v._row <> f.first_row)
        """)
        if seen_keys:
            con.unregister(prior)
        con.execute(f"update {checked} set _reason = d.reason from {part}_dups d where {checked}._row = d._row")
        con.execute(f"drop table {part}_dups")
        if more_files:
            for row in con.execute(f"select {klist}, _line from {checked} where _reason is null").fetchall():
                seen_keys.setdefault(tuple(row[:-1]), f"{file_name} ligne {row[-1]}")
        del key_values
    read, rejected = con.execute(f"select count(*), count(_reason) from {checked}").fetchone()
    result = FileResult(snapshot=snap, encoding=detected["encoding"], separator=detected["separator"],
                        format="zip:csv" if member else "csv", member=member, rows_read=read, rows_loaded=read - rejected,
                        rows_rejected=rejected, engine="duckdb", vintage=vintage.name if vintage else None,
                        warnings=file_warnings(contract, names, vintage))
    columns = list(dict.fromkeys([*names, *extra, *contract_columns(contract)]))
    select = []
    for c in columns:
        if c in names:
            select.append(f"nullif(c{names.index(c)}, '') as {sql_identifier(c)}")
        elif c in extra:
            select.append(f"{sql_literal(extra[c])} as {sql_identifier(c)}")
        else:
            select.append(f"null::varchar as {sql_identifier(c)}")
    lineage = f"{sql_literal(source)} as _source, {sql_literal(file_name)} as _file, {sql_literal(snap.sha256)} as _sha256, _row, _line"
    con.execute(f"create or replace temp view {part}_loaded as select {', '.join(select)}, {lineage} "
                f"from {checked} where _reason is null")
    record = ("'{' || " + " || ', ' || ".join(f"{sql_literal(json.dumps(h, ensure_ascii=False) + ': ')} || "
                                             f"to_json(coalesce(c{i}, ''))::varchar"
                                             for i, h in enumerate(header)) + " || '}'")
    con.execute(f"create or replace temp view {part}_rejects as select {lineage}, "
                f"{sql_literal(file_name + ', ligne ')} || _line || ' : ' || _reason as reason, {record} as record "
                f"from {checked} where _reason is not null")
    return result, columns


def _use_fast(path: Path, fast: bool | None) -> bool:
    """Whether to try the fast path on this file (for a zip: the archive, then its data member)."""
    if fast is not None:
        return fast
    if zipfile.is_zipfile(path):
        try:
            with zipfile.ZipFile(path) as zf:
                return any(i.file_size >= FAST_CSV_MIN_BYTES for i in zf.infolist())
        except (zipfile.BadZipFile, OSError):
            return False     # the Python path reports the damaged archive in French
    return path.stat().st_size >= FAST_CSV_MIN_BYTES


def load_source(con: duckdb.DuckDBPyConnection, source: str, snapshots: list[Snapshot],
                contract: Contract | None = None, *, fast: bool | None = None) -> LoadResult:
    """Read every snapshot of ``source`` and replace its raw tables in one transaction.

    Without ``contract``, the contract of the source's declaration (``ingest/sources/<source>.py``);
    a source declared with its own ``loader`` is handed to it, so every caller can load every known
    source through this function.
    ``fast``: True/False forces DuckDB's CSV path on/off; None (default) uses it for CSV files of at
    least :data:`FAST_CSV_MIN_BYTES`. Both paths
    give the same tables; a file the fast path cannot take exactly is read by the Python path.
    """
    if contract is None:
        from ingest import sources  # the declarations import this module

        declared = sources.SOURCES.get(source)
        if declared is None:
            raise ContractError(source, "cette source n'est pas déclarée (ajoutez ingest/sources/<source>.py).")
        if declared.contract is None or declared.loader is not None:   # the source's own loader (surveys...)
            return sources.load(con, source, snapshots)
        contract = declared.contract
    seen: dict[tuple, str] = {}
    files: list[FileResult] = []
    parts: list[tuple[str, list[str]]] = []
    tag = f"_ingest_{os.getpid()}_{id(files) % 100000}"
    try:
        for i, snap in enumerate(snapshots):
            part = f"{tag}_{i}"
            if contract.key_per_file:
                seen = {}
            try:
                done = _fast_file(con, snap, contract, seen, part, i < len(snapshots) - 1, fast)
                if done is None:
                    done = _python_file(snap, contract, seen, part, con)
                check_row_drop(done[0], contract)
            except ContractError as exc:
                exc.of_snapshot(snap)
                raise
            files.append(done[0])
            parts.append((part, done[1]))
        order = list(dict.fromkeys(c for _, columns in parts for c in columns))
        loaded_sql = " union all ".join(
            "select " + ", ".join(sql_identifier(c) if c in columns else f"null::varchar as {sql_identifier(c)}" for c in order)
            + f", {', '.join(LINEAGE)} from {part}_loaded" for part, columns in parts) if parts else None
        if loaded_sql is None:
            loaded_sql = pa.table({c: pa.array([], type=pa.int64() if c in ("_row", "_line") else pa.string())
                                   for c in LINEAGE})
        rejects_sql = " union all ".join(f"select {', '.join(LINEAGE)}, reason, record from {part}_rejects"
                                         for part, _ in parts) if parts else _arrow(reject_columns())
        replace_raw(con, source, loaded_sql, rejects_sql, files)
        for f in files:
            mark_loaded(f.snapshot, f.rows_read)
    finally:
        for part, _ in parts:
            for obj in (f"{part}_loaded", f"{part}_rejects"):
                try:
                    con.unregister(obj)
                except Exception:
                    pass
                con.execute(f"drop view if exists {obj}")
            con.execute(f"drop table if exists {part}_checked")
    return LoadResult(source=source, files=files)


def check_row_drop(result: FileResult, contract: Contract) -> None:
    """Refuse a file that lost more rows than its source allows against the previous snapshot of the same
    location that was loaded (a file cut at a line end has no other sign of damage)."""
    snap = result.snapshot
    if contract.max_row_drop is None or snap.stale:
        return
    previous = previous_loaded(snap)
    if previous is None or not previous.get("rows_read"):
        return
    before = int(previous["rows_read"])
    if result.rows_read < before * (1 - contract.max_row_drop):
        drop = 1 - result.rows_read / before
        raise ContractError(contract.source, (
            f"fichier probablement tronqué : {result.rows_read} ligne(s) lues contre {before} dans la copie "
            f"précédente du {previous['fetched_at'][:10]} (baisse de {drop * 100:.0f} %, au plus "
            f"{contract.max_row_drop * 100:.0f} % pour cette source). Le fichier est refusé en entier ; vérifiez-le "
            "chez l'éditeur avant de le charger."), location=snap.location)


def field_report_rows(source: str, files: list[FileResult]) -> pa.Table:
    rows = [(source, Path(f.snapshot.location).name, *c) for f in files for c in f.corrections]
    names = ("source", "file", "line", "column_name", "original_value", "retained_value", "rule")
    return pa.table({n: pa.array([r[i] for r in rows], type=pa.int64() if n == "line" else pa.string())
                     for i, n in enumerate(names)})


def write_field_report(con: duckdb.DuckDBPyConnection, source: str, path: Path) -> int:
    """The per-field report of ``source`` (corrections and refused values, ``raw._field_report``) as a CSV
    file the team can send back to the publisher (UTF-8, ``;``). Returns its number of rows."""
    import csv

    rows = con.execute("select source, file, line, column_name, original_value, retained_value, rule "
                       "from raw._field_report where source = ? order by file, line, column_name", [source]).fetchall()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh, delimiter=";")
        out.writerow(FIELD_REPORT_HEADER)
        out.writerows(rows)
    os.replace(tmp, path)
    return len(rows)


def replace_raw(con: duckdb.DuckDBPyConnection, source: str, loaded_tbl: pa.Table | str,
                rejects_tbl: pa.Table | str, files: list[FileResult]) -> None:
    """Replace ``raw.<source>`` and ``raw.<source>_rejects`` and append the manifest rows, in one transaction.

    ``loaded_tbl`` (an Arrow table, or a SQL query on ``con``) holds the published columns as strings plus
    the lineage columns :data:`LINEAGE`;
    ``rejects_tbl`` holds :data:`LINEAGE` + ``reason`` (French, naming file, line and column) + ``record``
    (the original record as JSON). Each :class:`FileResult` must satisfy read = loaded + rejected.
    """
    for f in files:
        if f.rows_read != f.rows_loaded + f.rows_rejected:
            raise ValueError(f"{source}: {f.snapshot.location}: rows read {f.rows_read} != loaded "
                             f"{f.rows_loaded} + rejected {f.rows_rejected}")
    if any(f.rows_read for f in files):   # whatever the loader; a source empty as a whole is the checks' business
        for f in files:
            if f.rows_read == 0 and EMPTY_FILE not in f.warnings:
                f.warnings.append(EMPTY_FILE)
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    con.execute("create schema if not exists raw")
    con.execute(MANIFEST_DDL)
    con.execute("alter table raw._manifest add column if not exists format varchar")
    con.execute("alter table raw._manifest add column if not exists member varchar")
    con.execute("alter table raw._manifest add column if not exists vintage varchar")
    con.execute("alter table raw._manifest add column if not exists warnings varchar")
    con.execute("alter table raw._manifest add column if not exists corrections bigint")
    con.execute(FIELD_REPORT_DDL)
    report = field_report_rows(source, files)
    con.register("_field_rows", report)
    con.execute("begin transaction")
    try:
        loaded_from = loaded_tbl if isinstance(loaded_tbl, str) else "select * from _loaded"
        rejects_from = rejects_tbl if isinstance(rejects_tbl, str) else "select * from _rejects"
        if not isinstance(loaded_tbl, str):
            con.register("_loaded", loaded_tbl)
        if not isinstance(rejects_tbl, str):
            con.register("_rejects", rejects_tbl)
        con.execute(f'create or replace table raw."{source}" as {loaded_from}')
        con.execute(f'create or replace table raw."{source}_rejects" as {rejects_from}')
        for f in files:
            s = f.snapshot
            con.execute(f"insert into raw._manifest ({', '.join(MANIFEST_COLUMNS)}) "
                        f"values ({', '.join('?' * len(MANIFEST_COLUMNS))})",
                        [source, s.location, Path(s.location).name, s.sha256, s.bytes, s.fetched_at, s.stale,
                         f.encoding, f.separator, f.rows_read, f.rows_loaded, f.rows_rejected, now,
                         getattr(f, "format", "csv"), getattr(f, "member", None), getattr(f, "vintage", None),
                         " | ".join(getattr(f, "warnings", [])) or None,
                         sum(1 for c in getattr(f, "corrections", []) if c[3] is not None)])
        # The per-field report: the loader's corrections and refused values, then each rejected row's value.
        con.execute("delete from raw._field_report where source = ?", [source])
        con.execute("insert into raw._field_report select * from _field_rows")
        con.execute(f"""
            insert into raw._field_report
            select _source, _file, _line, nullif(regexp_extract(reason, 'colonnes? « ([^»]+) »', 1), ''),
                   nullif(regexp_extract(reason, 'valeur « (.*) » ', 1), ''), null,
                   'ligne rejetée : ' || regexp_replace(reason, '^[^:]*, ligne [0-9]+ : ', '')
            from raw."{source}_rejects"
        """)
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    finally:
        con.unregister("_field_rows")
        if not isinstance(loaded_tbl, str):
            con.unregister("_loaded")
        if not isinstance(rejects_tbl, str):
            con.unregister("_rejects")
