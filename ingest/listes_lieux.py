"""Loader of source ``listes_lieux``: lists of places in any layout, read through a mapping file.

A regional network's list, a later national census export or a local spreadsheet is declared as a location
of the source (``ingest/sources/listes_lieux.py``, or ``[sources.listes_lieux] urls`` in the deployment's
TOML). Each file is read through its **mapping** (TOML, in the style of ``config/survey_mappings/``):

- a TOML next to a local file, with the same stem (``lieux.csv`` -> ``lieux.toml``), else
- the TOML of ``config/listes_lieux/`` whose ``files`` names the file (glob patterns, case ignored).

The mapping gives the list's ``name`` and ``date`` (vintage), whether the file has a ``header``, and in
``[columns]`` which column gives each field of :data:`FIELDS` (a header name, or a 1-based position when
``header = false``); ``[status]`` lists the spellings of the three statuses. Encoding and separator are
detected as for every CSV (:mod:`ingest.readers`); XLSX, JSON and GeoJSON files are read too (with a
header; a GeoJSON's geometry gives the columns ``longitude`` and ``latitude``). Coordinates published in
one column (OpenDataSoft's ``geo_point_2d``, « 45.1, 3.2 ») are mapped with ``coordonnees`` instead of
``latitude`` + ``longitude``. A key the loader does not know (a typo: ``headr``, ``[statut]``) refuses the
mapping, with the nearest known key.

What the loader does, file by file (``rows_read = rows_loaded + rows_rejected`` holds per file):

- a file the mapping does not fit (a mapped header absent, a position beyond the file's columns, no mapping
  at all) is refused whole with a French :class:`~ingest.errors.ContractError` naming the file, the mapping
  and the column;
- a headerless mapping read on a file whose first line is a header (its codes and coordinates are words,
  the next line's are numbers) is refused whole: ``header = true`` is what the team meant;
- a row is rejected with its reason when it has the wrong number of fields, no name, coordinates that are not
  numbers or are inverted, the identifier of an earlier row of the same list, or (without an identifier)
  every mapped value of an earlier row of the same list (the same row twice);
- identifiers whose correction is unambiguous are corrected, each correction in ``raw._field_report``: a
  postcode or commune code of 4 digits gets its leading zero back, a SIRET written with spaces its digits;
  a postcode, commune code or SIRET that cannot be used is kept as published and reported (staging ignores
  it); a status spelling the mapping does not know stays « non renseigné » and is reported.

Placement in a commune (code, postcode and commune name, coordinates) is done by the dbt models
(``int_place_placement``), like every other place source.
"""

from __future__ import annotations

import difflib
import fnmatch
import json
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa

from ingest.config import PROJECT_ROOT, Settings
from ingest.contracts import DECIMAL, Column, Contract, normalize_value, spelling
from ingest.errors import ContractError
from ingest.fetch import Snapshot, mark_loaded
from ingest.load import (
    LINEAGE,
    FileResult,
    LoadResult,
    add_reject,
    reject_columns,
    replace_raw,
    swapped_coordinates,
    swapped_reason,
)
from ingest.readers import read_table

SOURCE = "listes_lieux"
MAPPINGS_DIR = PROJECT_ROOT / "config" / "listes_lieux"

# field code -> French label (what users read in messages and reports)
FIELDS: dict[str, str] = {
    "identifiant": "identifiant du lieu dans la liste",
    "nom_lieu": "nom du lieu",
    "adresse": "adresse",
    "code_postal": "code postal",
    "code_commune": "code commune INSEE",
    "commune": "nom de la commune",
    "latitude": "latitude",
    "longitude": "longitude",
    "type_lieu": "type de lieu",
    "siret": "SIRET",
    "statut": "statut (ouvert, en projet, fermé)",
    "site_web": "site internet",
    "email": "adresse e-mail",
}
# mapping-only field: latitude and longitude in one column ("45.1, 3.2", "[45.1, 3.2]", {"lat": .., "lon": ..})
COORDINATES = "coordonnees"
COORDINATES_LABEL = "coordonnées « latitude, longitude » dans une seule colonne"
TOP_KEYS = ("name", "date", "files", "header", "columns", "status")
STATUSES = ("ouvert", "projet", "ferme")
# raw.listes_lieux: the list, its mapping, every field (as published, identifiers corrected), the status code
RAW_COLUMNS = ("liste", "millesime", "correspondance", *FIELDS, "statut_code")
# A list read with its header: records may span lines (free text), and the last one may have no line end
# (spreadsheet and online-table exports write none; readers.read_csv warns and shows it).
LIST_FILE = Contract(columns=(), source=SOURCE, max_record_lines=None, last_line_end=False)
_DECIMAL = re.compile(DECIMAL)
_POSTCODE = re.compile(r"\d{5}")
_COMMUNE = re.compile(r"\d{5}|2[AB]\d{3}", re.IGNORECASE)
_NUMBER = r"-?\d+(?:\.\d+)?"
_PAIR = re.compile(rf"\s*\[?\s*({_NUMBER})\s*[,;]\s*({_NUMBER})\s*\]?\s*")
_LAT_LON_OBJECT = re.compile(rf'\s*\{{\s*"(lat|lon)"\s*:\s*({_NUMBER})\s*,\s*"(lat|lon)"\s*:\s*({_NUMBER})\s*\}}\s*')


@dataclass(frozen=True)
class ListMapping:
    """One mapping file: how the columns of a list's files give the fields."""

    path: Path
    name: str
    date: str
    files: tuple[str, ...]
    header: bool
    columns: dict[str, str | int]                        # field code -> header name or 1-based position
    status: dict[str, str] = field(default_factory=dict)   # spelling (contracts.spelling) -> status code

    @property
    def code(self) -> str:
        """The list's code in record identifiers: the mapping file's stem."""
        return self.path.stem


def _mapping_error(path: Path, message: str) -> ContractError:
    return ContractError(SOURCE, f"correspondance {path.name} : {message} (voir docs/sources.md, « Listes de "
                                 "lieux »).", location=str(path))


def _nearest(key: str, known) -> str:
    """« (voulez-vous dire « x » ?) » when a known key is close to the unknown one, else ""."""
    close = difflib.get_close_matches(key.lower(), list(known), n=1, cutoff=0.6)
    return f" (voulez-vous dire « {close[0]} » ?)" if close else ""


def read_mapping(path: Path) -> ListMapping:
    """Read and check one mapping file; a French :class:`ContractError` names what is wrong."""
    try:
        spec = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise _mapping_error(path, f"erreur de syntaxe TOML ({exc})") from exc
    except UnicodeDecodeError as exc:
        raise _mapping_error(path, "le fichier n'est pas en UTF-8 : enregistrez-le en UTF-8") from exc
    for key in spec:
        if key not in TOP_KEYS:
            # a typo (headr, [colums], [statut]) would otherwise be ignored and the list read another way
            raise _mapping_error(path, f"clé « {key} » inconnue{_nearest(key, TOP_KEYS)} (clés possibles : "
                                       f"{', '.join(TOP_KEYS)})")
    for key in ("name", "date"):
        if not str(spec.get(key, "")).strip():
            raise _mapping_error(path, f"la clé « {key} » (nom de la liste, millésime) est obligatoire")
    header = spec.get("header", True)
    if not isinstance(header, bool):
        raise _mapping_error(path, "« header » vaut true (ligne d'en-tête) ou false (colonnes par position)")
    for table in ("columns", "status"):
        if not isinstance(spec.get(table, {}), dict):
            raise _mapping_error(path, f"« {table} » doit être une table [{table}]")
    columns: dict[str, str | int] = {}
    for code, where in spec.get("columns", {}).items():
        if code not in FIELDS and code != COORDINATES:
            raise _mapping_error(path, f"champ « {code} » inconnu dans [columns]{_nearest(code, (*FIELDS, COORDINATES))}"
                                       f" (champs possibles : {', '.join(FIELDS)}, {COORDINATES})")
        if header and not (isinstance(where, str) and where.strip()):
            raise _mapping_error(path, f"[columns] {code} : avec header = true, donner l'intitulé de la colonne "
                                       "entre guillemets")
        if not header and not (isinstance(where, int) and not isinstance(where, bool) and where >= 1):
            raise _mapping_error(path, f"[columns] {code} : avec header = false, donner le numéro de la colonne "
                                       "(1 pour la première)")
        columns[code] = where.strip() if isinstance(where, str) else where
    if "nom_lieu" not in columns:
        raise _mapping_error(path, "[columns] doit donner la colonne du nom du lieu (nom_lieu)")
    if ("latitude" in columns) != ("longitude" in columns):
        raise _mapping_error(path, "[columns] donne la latitude sans la longitude (ou l'inverse)")
    if COORDINATES in columns and "latitude" in columns:
        raise _mapping_error(path, f"[columns] donne à la fois {COORDINATES} (latitude et longitude dans une seule "
                                   "colonne) et latitude + longitude : garder l'un ou l'autre")
    if not {"code_commune", "code_postal", "commune", "latitude", COORDINATES} & set(columns):
        raise _mapping_error(path, "[columns] doit donner au moins une colonne pour placer les lieux : code_commune, "
                                   f"code_postal, commune, latitude + longitude ou {COORDINATES}")
    status: dict[str, str] = {}
    for code, spellings in spec.get("status", {}).items():
        if code not in STATUSES:
            raise _mapping_error(path, f"statut « {code} » inconnu dans [status]{_nearest(spelling(code), STATUSES)} "
                                       f"(statuts : {', '.join(STATUSES)})")
        if not isinstance(spellings, (str, list)):
            raise _mapping_error(path, f"[status] {code} : donner une orthographe entre guillemets ou une liste "
                                       '(["ouvert", "en activité"])')
        for s in [spellings] if isinstance(spellings, str) else spellings:
            status[spelling(str(s))] = code
    files = spec.get("files", [])
    return ListMapping(path=path, name=str(spec["name"]).strip(), date=str(spec["date"]).strip(),
                       files=tuple([files] if isinstance(files, str) else files), header=header, columns=columns,
                       status=status)


def find_mapping(snap: Snapshot, folder: Path = MAPPINGS_DIR) -> ListMapping:
    """The mapping of a list file: ``<stem>.toml`` next to a local file, else the mapping of ``folder``
    whose ``files`` names it. None found: the file is refused with a French message."""
    name = Path(snap.location).name
    if "://" not in snap.location:
        beside = Path(snap.location).with_suffix(".toml")
        if beside.is_file():
            return read_mapping(beside)
    for path in sorted(folder.glob("*.toml")):
        mapping = read_mapping(path)
        if any(fnmatch.fnmatch(name.lower(), pattern.lower()) for pattern in mapping.files):
            return mapping
    raise ContractError(SOURCE, (
        f"aucune correspondance pour le fichier {name} : écrivez un fichier TOML qui dit quelle colonne donne le "
        f"nom, l'adresse, le code postal, la commune, les coordonnées... du lieu, soit à côté du fichier "
        f"({Path(name).with_suffix('.toml')}), soit dans config/listes_lieux/ avec files = [\"{name}\"] (voir "
        "docs/sources.md, « Listes de lieux »). Le fichier est refusé en entier."), location=snap.location)


def _refused(snap: Snapshot, mapping: ListMapping, message: str) -> ContractError:
    return ContractError(SOURCE, f"le fichier {Path(snap.location).name} ne correspond pas à sa correspondance "
                                 f"{mapping.path.name} : {message} Le fichier est refusé en entier ; corrigez la "
                                 "correspondance ou le fichier.", location=snap.location)


def _label(code: str) -> str:
    return COORDINATES_LABEL if code == COORDINATES else FIELDS[code]


def _read(snap: Snapshot, mapping: ListMapping):
    """Header (or None), records and what was detected; the column index of each mapped field."""
    if mapping.header:
        header, records, detected = read_table(Path(snap.path), SOURCE, LIST_FILE)
        keys = [h.strip().lower() for h in header]
        index: dict[str, int] = {}
        for code, name in mapping.columns.items():
            if name.lower() not in keys:
                raise _refused(snap, mapping, (
                    f"la colonne « {name} » ({_label(code)}, champ {code}) est absente de la ligne d'en-tête "
                    f"(colonnes trouvées : {', '.join(h for h in header if h)})."))
            if keys.count(name.lower()) > 1:
                raise _refused(snap, mapping, (
                    f"la colonne « {name} » ({_label(code)}, champ {code}) figure {keys.count(name.lower())} fois "
                    "dans la ligne d'en-tête : le fichier ne dit pas laquelle lire."))
            index[code] = keys.index(name.lower())
        return header, records, detected, index
    positions = max(mapping.columns.values())
    contract = Contract(columns=tuple(Column(name=f"colonne_{i}") for i in range(1, positions + 1)), header=False,
                        source=SOURCE, max_record_lines=None, last_line_end=False)
    _, records, detected = read_table(Path(snap.path), SOURCE, contract)
    records = iter(records)
    first = next(records, None)
    if first is not None and len(first.values) < positions:
        code = next(c for c, p in mapping.columns.items() if p == positions)
        raise _refused(snap, mapping, (
            f"le champ {code} ({_label(code)}) est lu dans la colonne n° {positions}, mais la première ligne du "
            f"fichier n'a que {len(first.values)} colonne(s) (séparateur détecté : « {detected['separator']} »)."))
    index = {code: pos - 1 for code, pos in mapping.columns.items()}
    second = next(records, None)
    words = _header_words(first, second, index)
    if words:
        raise _refused(snap, mapping, (
            f"la correspondance dit header = false, mais la première ligne ressemble à une ligne d'en-tête : "
            f"{', '.join(words)} là où les lignes suivantes ont des codes ou des coordonnées. Mettez header = true "
            "et nommez les colonnes par leur intitulé (ou retirez la ligne d'en-tête du fichier)."))

    def all_records():
        for rec in (first, second):
            if rec is not None:
                yield rec
        yield from records
    return None, all_records(), detected, index


def _usable(code: str, value: str | None) -> bool:
    """Whether a value can be what its placement field says (a code, a number, a pair of numbers)."""
    v = (value or "").strip()
    if code == "code_postal":
        return bool(re.fullmatch(r"\d{4,5}", v))
    if code == "code_commune":
        return bool(re.fullmatch(r"\d{4}", v) or _COMMUNE.fullmatch(v))
    if code == COORDINATES:
        return _split_coordinates(v) is not None
    return bool(_DECIMAL.fullmatch(v))


def _header_words(first, second, index: dict[str, int]) -> list[str]:
    """The first row's placement values, quoted, when they are words where the second row has codes or
    coordinates (a header line read as data); else []."""
    if first is None or second is None:
        return []
    placement = [c for c in ("code_postal", "code_commune", "latitude", "longitude", COORDINATES) if c in index]

    def value(rec, code):
        i = index[code]
        return rec.values[i] if i < len(rec.values) and rec.values[i] and rec.values[i].strip() else None
    given = [(c, value(first, c)) for c in placement if value(first, c) is not None]
    if not given or any(_usable(c, v) for c, v in given):
        return []
    if not any(_usable(c, value(second, c)) for c in placement):
        return []
    return [f"« {v} » (champ {c})" for c, v in given]


def _split_coordinates(value: str) -> tuple[str, str] | None:
    """(latitude, longitude) as written from one column: « 45.1, 3.2 » (OpenDataSoft's geo_point_2d in CSV),
    « [45.1, 3.2] » (its JSON export), {"lat": 45.1, "lon": 3.2} (its API v2.1); None when it is not that."""
    m = _PAIR.fullmatch(value)
    if m:
        return m.group(1), m.group(2)
    m = _LAT_LON_OBJECT.fullmatch(value)
    if m and {m.group(1), m.group(3)} == {"lat", "lon"}:
        pair = {m.group(1): m.group(2), m.group(3): m.group(4)}
        return pair["lat"], pair["lon"]
    return None


def _clean_identifier(code: str, value: str, line: int, column: str, result: FileResult) -> str:
    """Postcode, commune code, SIRET: the value retained (corrected when unambiguous, each correction and each
    unusable value written to the per-field report)."""
    v = value.strip()
    if code == "siret":
        retained, why = normalize_value("siret", v)
        if why is not None:
            result.corrections.append((line, column, value, retained if retained != value else None, why))
        return retained if retained is not None else value
    if re.fullmatch(r"\d{4}", v):
        what = "code postal" if code == "code_postal" else "code commune"
        result.corrections.append((line, column, value, "0" + v, f"{what} de 4 chiffres : zéro initial rendu"))
        return "0" + v
    if not (_POSTCODE if code == "code_postal" else _COMMUNE).fullmatch(v):
        what = "code postal (5 chiffres)" if code == "code_postal" else "code commune INSEE (5 caractères)"
        result.corrections.append((line, column, value, None, f"{what} attendu : valeur inutilisable, gardée "
                                                              "telle que publiée, non utilisée pour placer le lieu"))
    return value


def _read_file(snap: Snapshot, mapping: ListMapping, seen: dict[tuple, str]):
    header, records, detected, index = _read(snap, mapping)
    name = Path(snap.location).name
    result = FileResult(snapshot=snap, encoding=detected["encoding"], separator=detected["separator"],
                        format=detected.get("format", "csv"), member=detected.get("member"), vintage=mapping.date)
    column_of = {code: (header[i] if header else f"colonne {i + 1}") for code, i in index.items()}
    if COORDINATES in column_of:
        column_of["latitude"] = column_of["longitude"] = column_of[COORDINATES]
    width = len(header) if header else None
    by_element = result.format.endswith("json")   # JSON, GeoJSON: a minified file is one line
    loaded, rejected, unknown_status = [], [], {}
    for rec in records:
        result.rows_read += 1
        where = f"élément n° {rec.row} (ligne {rec.line})" if by_element else f"ligne {rec.line}"
        vals = [v.strip() if isinstance(v, str) and v.strip() else None for v in rec.values]
        if width is None:
            width = len(vals)    # headerless: the first row gives the file's width
        values = {code: (vals[i] if i < len(vals) else None) for code, i in index.items()}
        reason = None
        if len(vals) != width:
            reason = f"nombre de champs incorrect : {len(vals)} au lieu de {width} (ligne abîmée ou séparateur en trop)"
        elif not values.get("nom_lieu"):
            reason = f"{column_of['nom_lieu']} ({FIELDS['nom_lieu']}) : valeur manquante"
        else:
            if values.get(COORDINATES) is not None:
                pair = _split_coordinates(values[COORDINATES])
                if pair is None:
                    reason = (f"{column_of[COORDINATES]} ({COORDINATES_LABEL}) : valeur « {values[COORDINATES]} » "
                              "qui n'est pas une paire de nombres « latitude, longitude » (ex. « 45.1, 3.2 »)")
                else:
                    values["latitude"], values["longitude"] = pair
            for code in ("latitude", "longitude"):
                v = values.get(code)
                if reason is None and v is not None and not _DECIMAL.fullmatch(v):
                    reason = f"{column_of[code]} ({FIELDS[code]}) : valeur « {v} » qui n'est pas un nombre décimal"
            if reason is None and swapped_coordinates(values.get("latitude"), values.get("longitude")):
                reason = swapped_reason(column_of["latitude"], column_of["longitude"], values["latitude"],
                                        values["longitude"])
            if reason is None:
                # the list's own identifier; without one, the whole row (the same row published twice)
                key = (mapping.code, values["identifiant"]) if values.get("identifiant") \
                    else (mapping.code, None, *(values.get(c) for c in FIELDS))
                if key in seen:
                    reason = (f"doublon : même identifiant « {values['identifiant']} » que {seen[key]} dans la liste "
                              f"« {mapping.name} »") if values.get("identifiant") else \
                             (f"doublon : mêmes valeurs dans toutes les colonnes lues que {seen[key]} (la même ligne "
                              f"deux fois) dans la liste « {mapping.name} »")
                else:
                    seen[key] = f"{name} {where}"
        if reason is not None:
            result.rows_rejected += 1
            record = dict(zip(header, rec.values)) if header and len(rec.values) == len(header) \
                else {"valeurs": rec.values}
            rejected.append((rec, f"{name}, {where} : {reason}", json.dumps(record, ensure_ascii=False)))
            continue
        for code in ("code_postal", "code_commune", "siret"):
            if values.get(code):
                values[code] = _clean_identifier(code, values[code], rec.line, column_of[code], result)
        status = None
        if values.get("statut"):
            status = mapping.status.get(spelling(values["statut"]))
            if status is None:
                unknown_status.setdefault(values["statut"], rec.line)
                result.corrections.append((rec.line, column_of["statut"], values["statut"], None,
                                           "statut inconnu de la correspondance : « non renseigné » (ajouter cette "
                                           "orthographe à [status])"))
        result.rows_loaded += 1
        loaded.append((rec, values, status))
    result.warnings.extend(detected.get("warnings", ()))     # the reader's (a last line without line end)
    if unknown_status:
        shown = ", ".join(f"« {v} »" for v in sorted(unknown_status)[:5])
        result.warnings.append(f"statut(s) inconnu(s) de la correspondance {mapping.path.name} ({shown}) : « non "
                               "renseigné » pour ces lignes (voir le rapport par champ)")
    return result, loaded, rejected


def _arrow(columns: dict[str, list]) -> pa.Table:
    return pa.table({name: pa.array(values, type=pa.int64() if name in ("_row", "_line") else pa.string())
                     for name, values in columns.items()})


def load(con: duckdb.DuckDBPyConnection, snapshots: list[Snapshot], settings: Settings | None = None,
         mappings_dir: Path = MAPPINGS_DIR) -> LoadResult:
    """Read every list file through its mapping into ``raw.listes_lieux`` / ``raw.listes_lieux_rejects``."""
    files: list[FileResult] = []
    loaded: dict[str, list] = {c: [] for c in (*RAW_COLUMNS, *LINEAGE)}
    rejects = reject_columns()
    seen: dict[tuple, str] = {}
    for snap in snapshots:
        mapping = find_mapping(snap, mappings_dir)
        try:
            result, rows, rejected = _read_file(snap, mapping, seen)
        except ContractError as exc:
            exc.of_snapshot(snap)
            raise
        files.append(result)
        name = Path(snap.location).name
        for rec, values, status in rows:
            for c, v in zip(("liste", "millesime", "correspondance"), (mapping.name, mapping.date, mapping.path.name)):
                loaded[c].append(v)
            for code in FIELDS:
                loaded[code].append(values.get(code))
            loaded["statut_code"].append(status)
            for c, v in zip(LINEAGE, (SOURCE, name, snap.sha256, rec.row, rec.line)):
                loaded[c].append(v)
        for rec, reason, record in rejected:
            add_reject(rejects, (SOURCE, name, snap.sha256, rec.row, rec.line), reason, record)
    replace_raw(con, SOURCE, _arrow(loaded), _arrow(rejects), files)
    for f in files:
        mark_loaded(f.snapshot, f.rows_read)
    return LoadResult(source=SOURCE, files=files)
