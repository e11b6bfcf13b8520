"""Read a snapshot file into header + string records, whatever shape the publisher gave it.

Formats (chosen by :func:`read_table` from the file's content first, its extension second):

- CSV: encoding (UTF-8, UTF-8 with BOM, UTF-16, else cp1252 which covers latin-1) and separator
  (``;``, ``,``, tab, ``|``) are sniffed; a contract may declare ``header=False`` with its column names.
- JSON array of objects: one record per object; columns = top-level keys in first-seen order over
  the whole file; scalars as their JSON text (numbers exactly as written, ``true``/``false``,
  ``null`` -> ``None``); lists and objects -> their JSON text (``ensure_ascii=False``).
- GeoJSON FeatureCollection: one record per feature; columns = properties (same rules) plus
  ``longitude`` and ``latitude`` (Point coordinates as written; for other geometries the mean of the
  vertices). When the properties already hold a ``longitude`` or ``latitude``, the geometry's go to
  ``geometry_longitude``/``geometry_latitude`` for the whole file.
- XLSX (openpyxl, read-only): the first sheet or the contract's ``sheet``; the first non-empty row is
  the header; cells as strings (integers without ``.0``, dates ISO), empty cells -> ``None``.
- ZIP: the single data file inside (or the one whose name matches the contract's ``member``
  pattern) is extracted next to the snapshot and read with the rules above. A truncated or corrupt
  archive is a French :class:`~ingest.errors.ContractError`.

Values stay strings exactly as published (no type guessing: INSEE codes keep their leading zeros);
an empty field becomes ``None``. Each record carries its position: ``row`` (1-based record number,
header excluded) and ``line`` (physical line where the record starts, header = line 1; the sheet
row for XLSX; the line where the object starts for JSON).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import json
import os
import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from ingest.errors import ContractError

if TYPE_CHECKING:  # pragma: no cover
    from ingest.contracts import Contract

SEPARATORS = (";", ",", "\t", "|")
DATA_EXTENSIONS = (".csv", ".txt", ".tsv", ".json", ".geojson", ".xlsx")
csv.field_size_limit(1 << 24)


@dataclass
class Record:
    row: int
    line: int
    values: list[str | None]


# --------------------------------------------------------------------------------------- sniffing
def detect_encoding(path: Path, source: str) -> str:
    """UTF-8 (with or without BOM) when the whole file decodes as UTF-8, else cp1252 (a superset of latin-1).

    Every byte is read once, so a text file holding a NUL byte is refused here (:func:`refuse_nul`): no text
    publication writes one, a download or a copy that was cut or filled with zeros on the way does."""
    with path.open("rb") as fh:
        head = fh.read(4)
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return "utf-16"
        fh.seek(0)
        bom = head.startswith(codecs.BOM_UTF8)
        decoder = codecs.getincrementaldecoder("utf-8")()
        utf8, offset = True, 0
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            if b"\x00" in chunk:
                refuse_nul(path, offset + chunk.index(b"\x00"), source)
            offset += len(chunk)
            if utf8 and not bom:
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError:
                    utf8 = False
        if bom:
            return "utf-8-sig"
        if utf8:
            try:
                decoder.decode(b"", final=True)
                return "utf-8"
            except UnicodeDecodeError:
                pass
        fh.seek(0)   # cp1252 leaves five bytes undefined: a file holding one is read as latin-1 (never a crash)
        decoder = codecs.getincrementaldecoder("cp1252")()
        try:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                decoder.decode(chunk)
            return "cp1252"
        except UnicodeDecodeError:
            return "latin-1"


def refuse_nul(path: Path, position: int, source: str) -> None:
    """Refuse, in French with its line, a text file holding a NUL byte at ``position`` (the line is counted
    only then: the usual file pays one search per chunk)."""
    line, left = 1, position
    with path.open("rb") as fh:
        while left > 0:
            chunk = fh.read(min(left, 1 << 20))
            line, left = line + chunk.count(b"\n"), left - len(chunk)
    raise ContractError(source, f"le fichier contient des octets nuls à la ligne {line} : il a été abîmé en "
                                "route (téléchargement ou copie interrompus, disque plein ?) et ne peut être pris "
                                "en entier : rien n'a été chargé. Téléchargez ou copiez-le de nouveau.",
                        location=str(path))


def non_data_reason(head: bytes) -> str | None:
    """Why the first bytes of a body cannot be a data file (a French noun phrase), or None: empty, or markup
    (an HTML or XML page) wherever it starts: after a BOM, blank lines, a comment ``<!-- -->`` or a few words."""
    text = head.lstrip(codecs.BOM_UTF8).lstrip().lower()
    if not text:
        return "un fichier vide"
    if text.startswith(b"<") or re.search(rb"<(?:!doctype\s+html|html[\s>])", text[:4096]):
        return "une page HTML au lieu du fichier de données (page d'erreur du serveur ?)"
    return None


def _check_not_html_or_empty(path: Path, source: str) -> None:
    with path.open("rb") as fh:
        head = fh.read(4096)
    reason = non_data_reason(head)
    if reason is not None:
        what = "vide" if reason == "un fichier vide" else reason
        raise ContractError(source, f"le fichier reçu est {what} : rien n'a été chargé.", location=str(path))


def ends_with_line_end(path: Path, encoding: str) -> bool:
    """Whether the file's last record has its line end (a file cut in transfer usually has not)."""
    size = path.stat().st_size
    with path.open("rb") as fh:
        fh.seek(max(0, size - 2))
        tail = fh.read()
    if encoding.startswith("utf-16"):
        return tail in (b"\n\x00", b"\x00\n")
    return tail.endswith((b"\n", b"\r"))


def sniff_separator(header_line: str) -> str:
    counts = {sep: header_line.count(sep) for sep in SEPARATORS}
    best = max(counts, key=lambda s: counts[s])
    return best if counts[best] else ","


#: First bytes of files that are not data the product reads, with what they are (French).
BINARY_FORMATS = (
    (b"\x1f\x8b", "une archive compressée gzip (.gz)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "un classeur Excel 97-2003 (.xls)"),
    (b"%PDF", "un document PDF"),
    (b"7z\xbc\xaf\x27\x1c", "une archive 7-Zip"),
    (b"Rar!\x1a\x07", "une archive RAR"),
    (b"\xfd7zXZ\x00", "une archive compressée xz"),
)


def binary_kind(head: bytes) -> str | None:
    """What a file is (French) when its first bytes are those of a :data:`BINARY_FORMATS` format, else None."""
    return next((what for magic, what in BINARY_FORMATS if head.startswith(magic)), None)


def sniff_format(path: Path, source: str) -> str:
    """``zip``, ``xlsx``, ``json``, ``geojson`` or ``csv``, from the first bytes (then the extension)."""
    _check_not_html_or_empty(path, source)
    with path.open("rb") as fh:
        head = fh.read(4096)
    ext = path.suffix.lower()
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        try:
            with zipfile.ZipFile(path) as zf:
                names = zf.namelist()
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise ContractError(source, f"archive ZIP tronquée ou corrompue ({exc}) : le téléchargement est "
                                        "probablement incomplet ; rien n'a été chargé.", location=str(path))
        return "xlsx" if "xl/workbook.xml" in names else "zip"
    if head.startswith(b"PAR1"):
        raise ContractError(source, "fichier Parquet : ce format n'est pas lu par le produit, rien n'a été chargé. "
                                    "Téléchargez l'édition CSV publiée sur la même page (l'INSEE publie ses fichiers "
                                    "détail en CSV zippé et en Parquet).", location=str(path))
    binary = binary_kind(head)
    if binary is None and b"\x00" in head and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        binary = "un fichier binaire (octets nuls dès le début)"
    if binary is not None:
        raise ContractError(source, f"le fichier reçu est {binary}, pas un fichier de données lisible par le "
                                    "produit (CSV, ZIP, XLSX, JSON, GeoJSON) : rien n'a été chargé. Téléchargez "
                                    "l'édition CSV ou ZIP de la publication, ou décompressez le fichier avant de le "
                                    "déposer.", location=str(path))
    if ext in (".zip", ".xlsx"):
        raise ContractError(source, f"le fichier devait être une archive {ext[1:].upper()} mais son contenu n'en "
                                    "est pas une (téléchargement tronqué ou page d'erreur ?).", location=str(path))
    text = head.lstrip(codecs.BOM_UTF8).lstrip()
    if text[:1] in (b"[", b"{"):
        if text[:1] == b"{" and re.search(rb'"type"\s*:\s*"FeatureCollection"', head):
            return "geojson"
        if text[:1] == b"{" and ext == ".geojson":
            return "geojson"
        return "json"
    return "csv"


# --------------------------------------------------------------------------------------- CSV
def read_csv(path: Path, source: str, contract: "Contract | None" = None
             ) -> tuple[list[str], Iterator[Record], dict]:
    """Open a CSV file; return its header, an iterator of records, and what was detected."""
    _check_not_html_or_empty(path, source)
    encoding = detect_encoding(path, source)
    has_header = contract is None or contract.header
    fh = path.open("r", encoding=encoding, newline="")
    first = fh.readline()
    sep = sniff_separator(first)
    fh.seek(0)
    reader = csv.reader(fh, delimiter=sep)
    if has_header:
        try:
            header = next(reader)
        except StopIteration:
            fh.close()
            raise ContractError(source, "le fichier ne contient pas de ligne d'en-tête.", location=str(path))
        header = [h.strip().lstrip("\ufeff") for h in header]
    else:
        header = [c.name for c in contract.columns]

    max_lines = contract.max_record_lines if contract is not None else None
    complete = ends_with_line_end(path, encoding)
    strict_end = contract is None or contract.last_line_end
    warnings: list[str] = []

    def records() -> Iterator[Record]:
        try:
            row, last, width = 0, None, len(header)
            start_line = reader.line_num + 1
            for values in reader:
                if not values or (len(values) == 1 and values[0] == ""):
                    start_line = reader.line_num + 1
                    continue
                span = reader.line_num - start_line + 1
                if max_lines is not None and span > max_lines:
                    raise ContractError(source, (
                        f"CSV abîmé : l'enregistrement qui commence à la ligne {start_line} s'étend sur {span} lignes "
                        f"(au plus {max_lines} pour cette source) : un guillemet isolé ouvre un champ qui avale les "
                        f"lignes suivantes. Le fichier est refusé en entier ; corrigez le guillemet de la ligne "
                        f"{start_line} ou demandez un fichier corrigé à l'éditeur."), location=str(path))
                if row == 0 and not has_header and values:
                    values[0] = values[0].lstrip("\ufeff")
                width = len(last.values) if last is not None else len(header)   # the record before, or the header
                if span > 1 and len(values) not in (width, len(header)):
                    # free text may span lines, but then the record has its fields (those of the header, or of
                    # the record before when title lines precede the real header): a quote that opened a field
                    # and closed lines later, in another record, swallowed the lines between
                    raise ContractError(source, (
                        f"CSV abîmé : l'enregistrement qui commence à la ligne {start_line} s'étend sur {span} lignes "
                        f"et n'a ni le nombre de champs de l'en-tête ni celui de l'enregistrement précédent "
                        f"({len(values)} au lieu de {width}) : un guillemet isolé ouvre un champ qui avale les lignes suivantes. Le fichier est "
                        f"refusé en entier ; corrigez le guillemet de la ligne {start_line} ou demandez un fichier "
                        "corrigé à l'éditeur."), location=str(path))
                row += 1
                last = Record(row=row, line=start_line, values=values)
                yield last
                start_line = reader.line_num + 1
            # the last record as wide as the one before it: whole as far as the file can tell (read, warned);
            # narrower, it was cut (refused whole)
            if row and not complete and not strict_end and len(last.values) == width:
                shown = sep.join(last.values)
                shown = shown if len(shown) <= 80 else "…" + shown[-80:]
                warnings.append(
                    f"dernier enregistrement (ligne {last.line}) sans fin de ligne : lu, comme le permet le format CSV "
                    f"(les exports de tableurs et de formulaires en ligne l'omettent souvent) ; si le fichier a été "
                    f"coupé pendant un transfert, sa dernière valeur serait incomplète : vérifiez-la (« {shown} »).")
            elif row and not complete:
                raise ContractError(source, (
                    f"fichier tronqué : le dernier enregistrement (ligne {start_line - 1}) n'a pas de fin de ligne, "
                    "le transfert a probablement été coupé (sa dernière valeur peut être incomplète). Le fichier "
                    "est refusé en entier ; téléchargez-le de nouveau."), location=str(path))
        except csv.Error as exc:
            raise ContractError(source, f"CSV illisible à la ligne {reader.line_num} : {exc}", location=str(path))
        finally:
            fh.close()

    return header, records(), {"encoding": encoding, "separator": sep, "format": "csv", "warnings": warnings}


# --------------------------------------------------------------------------------------- JSON
class _Num(str):
    """A JSON number kept as the text the publisher wrote."""


_DECODER = json.JSONDecoder(parse_float=_Num, parse_int=_Num, parse_constant=_Num)
_WS = re.compile(r"[ \t\n\r]*")


def _json_text(value) -> str:
    """JSON text of a nested value, numbers exactly as published (json.dumps separators)."""
    if isinstance(value, _Num):
        return str.__str__(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(k, ensure_ascii=False)}: {_json_text(v)}"
                               for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_json_text(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)


def json_scalar(value) -> str | None:
    """A JSON value as the raw string of one cell."""
    if value is None:
        return None
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, _Num):
        return str.__str__(value)
    if isinstance(value, str):
        return value
    return _json_text(value)


def _load_json_text(path: Path, source: str) -> str:
    raw = path.read_bytes()
    for enc in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    raise ContractError(source, "fichier JSON illisible (encodage inconnu).", location=str(path))  # pragma: no cover


def _json_error(source: str, path: Path, text: str, pos: int, what: str) -> ContractError:
    line = text.count("\n", 0, pos) + 1
    col = pos - (text.rfind("\n", 0, pos) + 1) + 1
    truncated = " (fichier tronqué ?)" if pos >= len(text.rstrip()) else ""
    return ContractError(source, f"JSON illisible à la ligne {line}, colonne {col} : {what}{truncated}.",
                         location=str(path))


def _iter_json_array(text: str, start: int, source: str, path: Path, *, tail_ok: bool = False
                     ) -> Iterator[tuple[int, int, object]]:
    """Yield (row, line, value) for each element of the JSON array whose ``[`` is at ``start``."""
    pos = _WS.match(text, start + 1).end()
    line = 1 + text.count("\n", 0, pos)
    last = pos
    row = 0
    if text.startswith("]", pos):
        return
    while True:
        line += text.count("\n", last, pos)
        last = pos
        try:
            value, end = _DECODER.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            raise _json_error(source, path, text, exc.pos, exc.msg) from None
        row += 1
        yield row, line, value
        pos = _WS.match(text, end).end()
        if text.startswith(",", pos):
            pos = _WS.match(text, pos + 1).end()
            continue
        if text.startswith("]", pos):
            rest = _WS.match(text, pos + 1).end()
            if rest != len(text) and not tail_ok:
                raise _json_error(source, path, text, rest, "contenu inattendu après la fin du tableau")
            return
        raise _json_error(source, path, text, pos, "« , » ou « ] » attendu")


def _records_from_objects(items: list[tuple[int, int, dict]]) -> tuple[list[str], list[Record]]:
    header: dict[str, None] = {}
    for _, _, obj in items:
        for k in obj:
            header.setdefault(k, None)
    names = list(header)
    return names, [Record(row=row, line=line, values=[json_scalar(obj.get(k)) for k in names])
                   for row, line, obj in items]


def read_json(path: Path, source: str, contract: "Contract | None" = None
              ) -> tuple[list[str], Iterator[Record], dict]:
    text = _load_json_text(path, source)
    start = _WS.match(text, 0).end()
    if not text.startswith("[", start):
        raise ContractError(source, "le fichier JSON doit être un tableau d'objets ([{...}, ...]).",
                            location=str(path))
    items = []
    for row, line, value in _iter_json_array(text, start, source, path):
        if not isinstance(value, dict):
            raise ContractError(source, f"élément n° {row} (ligne {line}) du tableau JSON : un objet était attendu, "
                                        f"trouvé {_json_text(value)[:60]}.", location=str(path))
        items.append((row, line, value))
    header, records = _records_from_objects(items)
    return header, iter(records), {"encoding": "utf-8", "separator": "", "format": "json"}


def _vertices(geometry) -> list[tuple[str, str]]:
    if not isinstance(geometry, dict):
        return []
    if geometry.get("type") == "GeometryCollection":
        return [v for g in geometry.get("geometries") or [] for v in _vertices(g)]
    out: list = []

    def walk(c):
        if isinstance(c, list) and len(c) >= 2 and all(isinstance(x, _Num) for x in c[:2]):
            out.append((c[0], c[1]))
        elif isinstance(c, list):
            for x in c:
                walk(x)

    walk(geometry.get("coordinates"))
    return out


def _point(geometry) -> tuple[str | None, str | None]:
    """(longitude, latitude): a Point's coordinates as written, else the mean of the vertices."""
    if isinstance(geometry, dict) and geometry.get("type") == "Point":
        c = geometry.get("coordinates") or []
        if len(c) >= 2:
            return json_scalar(c[0]), json_scalar(c[1])
        return None, None
    vertices = _vertices(geometry)
    if not vertices:
        return None, None
    lon = sum(float(v[0]) for v in vertices) / len(vertices)
    lat = sum(float(v[1]) for v in vertices) / len(vertices)
    return repr(lon), repr(lat)


def read_geojson(path: Path, source: str, contract: "Contract | None" = None
                 ) -> tuple[list[str], Iterator[Record], dict]:
    text = _load_json_text(path, source)
    try:
        doc, _ = _DECODER.raw_decode(text, _WS.match(text, 0).end())
    except json.JSONDecodeError as exc:
        raise _json_error(source, path, text, exc.pos, exc.msg) from None
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection" or not isinstance(doc.get("features"), list):
        raise ContractError(source, "le fichier GeoJSON doit être une FeatureCollection avec une liste « features ».",
                            location=str(path))
    # The physical line of each feature: the "features" array is walked again element by element.
    lines: list[int] = []
    m = re.search(r'"features"\s*:\s*\[', text)
    if m:
        try:
            lines = [line for _, line, _ in _iter_json_array(text, m.end() - 1, source, path, tail_ok=True)]
        except ContractError:
            lines = []
    if len(lines) != len(doc["features"]):
        lines = [0] * len(doc["features"])
    features = doc["features"]
    for i, feature in enumerate(features):
        if not isinstance(feature, dict):
            raise ContractError(source, f"entité n° {i + 1} : un objet Feature était attendu.", location=str(path))
    # Decided once per file: a property already named longitude/latitude keeps its name.
    prop_keys = {k for f in features for k in (f.get("properties") or {})}
    clash = bool(prop_keys & {"longitude", "latitude"})
    lon_col, lat_col = ("geometry_longitude", "geometry_latitude") if clash else ("longitude", "latitude")
    items = []
    for i, feature in enumerate(features):
        props = {k: v for k, v in (feature.get("properties") or {}).items() if k not in (lon_col, lat_col)}
        props[lon_col], props[lat_col] = _point(feature.get("geometry"))
        items.append((i + 1, lines[i], props))
    header, records = _records_from_objects(items)
    # The geometry's coordinates always come last, longitude then latitude.
    order = [h for h in header if h not in (lon_col, lat_col)] + [lon_col, lat_col]
    if order != header:
        idx = [header.index(h) for h in order]
        records = [Record(r.row, r.line, [r.values[i] for i in idx]) for r in records]
        header = order
    return header, iter(records), {"encoding": "utf-8", "separator": "", "format": "geojson"}


# --------------------------------------------------------------------------------------- XLSX
def xlsx_cell(value) -> str | None:
    """A cell as published: integers without ``.0``, dates ISO, empty -> None."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e16 else repr(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    text = str(value)
    return text if text != "" else None


def read_xlsx(path: Path, source: str, contract: "Contract | None" = None
              ) -> tuple[list[str], Iterator[Record], dict]:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ContractError(source, f"classeur XLSX illisible ou corrompu ({exc}).", location=str(path))
    sheet_name = contract.sheet if contract is not None else None
    try:
        if sheet_name:
            if sheet_name not in wb.sheetnames:
                raise ContractError(source, f"feuille « {sheet_name} » absente du classeur (feuilles : "
                                            f"{', '.join(wb.sheetnames)}).", location=str(path))
            ws = wb[sheet_name]
        else:
            ws = wb.worksheets[0]
        rows = ws.iter_rows(values_only=True)
        header: list[str] | None = None
        line = 0
        for values in rows:
            line += 1
            cells = [xlsx_cell(v) for v in values]
            if any(c is not None and c.strip() for c in cells):
                header = [(c or "").strip() for c in cells]
                break
        if header is None:
            raise ContractError(source, "le classeur ne contient aucune ligne (feuille vide).", location=str(path))
        while header and not header[-1]:
            header.pop()
        width = len(header)
        data: list[Record] = []
        row = 0
        for values in rows:
            line += 1
            cells = [xlsx_cell(v) for v in values]
            if not any(c is not None and c.strip() for c in cells):
                continue
            extra = cells[width:]
            cells = cells[:width] + [None] * (width - len(cells))
            if any(c is not None for c in extra):
                cells += [c for c in extra]
                while cells and cells[-1] is None:
                    cells.pop()
            row += 1
            data.append(Record(row=row, line=line, values=cells))
    except zipfile.BadZipFile as exc:
        raise ContractError(source, f"classeur XLSX corrompu ({exc}).", location=str(path))
    finally:
        wb.close()
    return header, iter(data), {"encoding": "xlsx", "separator": "", "format": "xlsx",
                                "sheet": ws.title}


# --------------------------------------------------------------------------------------- ZIP
def _is_data_member(name: str) -> bool:
    base = name.rsplit("/", 1)[-1]
    return (not name.endswith("/") and not name.startswith("__MACOSX/") and not base.startswith(".")
            and base.lower().endswith(DATA_EXTENSIONS))


def extract_member(path: Path, source: str, member_pattern: str | None) -> tuple[Path, str]:
    """Extract the archive's data file next to the snapshot (once) and return its path and name."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = [i for i in zf.infolist() if _is_data_member(i.filename)]
            if member_pattern:
                infos = [i for i in infos if re.search(member_pattern, i.filename.rsplit("/", 1)[-1])]
            if len(infos) != 1:
                listed = ", ".join(i.filename for i in zf.infolist()) or "aucun fichier"
                what = "aucun fichier de données" if not infos else f"{len(infos)} fichiers de données"
                hint = f" correspondant au motif « {member_pattern} »" if member_pattern else ""
                raise ContractError(source, f"l'archive ZIP contient {what}{hint} au lieu d'un seul "
                                            f"(contenu : {listed}).", location=str(path))
            info = infos[0]
            name = info.filename.rsplit("/", 1)[-1]
            out_dir = path.parent / f".{path.name}.extrait"
            out = out_dir / name
            if out.exists() and out.stat().st_size == info.file_size:
                return out, info.filename
            out_dir.mkdir(parents=True, exist_ok=True)
            tmp = out_dir / f".part-{name}"
            with zf.open(info) as src, tmp.open("wb") as dst:   # reading to the end checks the CRC
                for chunk in iter(lambda: src.read(1 << 20), b""):
                    dst.write(chunk)
            os.replace(tmp, out)
            return out, info.filename
    except ContractError:
        raise
    except (zipfile.BadZipFile, EOFError, OSError, zlib.error) as exc:
        raise ContractError(source, f"archive ZIP tronquée ou corrompue ({exc}) : le téléchargement est "
                                    "probablement incomplet ; rien n'a été chargé.", location=str(path))


# --------------------------------------------------------------------------------------- dispatch
READERS = {"csv": read_csv, "json": read_json, "geojson": read_geojson, "xlsx": read_xlsx}


def read_table(path: Path, source: str, contract: "Contract | None" = None
               ) -> tuple[list[str], Iterator[Record], dict]:
    """Read any supported file: header, records and what was detected (``format``, ``encoding``...)."""
    path = Path(path)
    fmt = sniff_format(path, source)
    if fmt == "zip":
        member_path, member = extract_member(path, source, contract.member if contract is not None else None)
        inner = sniff_format(member_path, source)
        if inner == "zip":
            raise ContractError(source, f"archive ZIP imbriquée ({member}) non prise en charge.", location=str(path))
        header, records, detected = READERS[inner](member_path, source, contract)
        detected = {**detected, "format": f"zip:{inner}", "member": member}
        return header, records, detected
    return READERS[fmt](path, source, contract)


def csv_header(path: Path, source: str) -> tuple[list[str], dict]:
    """The header and what was detected (encoding, separator) of a CSV file, without reading its records."""
    _check_not_html_or_empty(path, source)
    encoding = detect_encoding(path, source)
    with path.open("r", encoding=encoding, newline="") as fh:
        sep = sniff_separator(fh.readline())
        fh.seek(0)
        try:
            header = next(csv.reader(fh, delimiter=sep))
        except (StopIteration, csv.Error) as exc:
            raise ContractError(source, f"ligne d'en-tête illisible ou absente ({exc}).", location=str(path))
    header = [h.strip().lstrip("\ufeff") for h in header]
    return header, {"encoding": encoding, "separator": sep, "format": "csv"}
