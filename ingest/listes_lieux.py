"""Loader of source ``listes_lieux``: lists of places in any layout, read through a mapping file.

A regional network's list, a later national census export or a local spreadsheet is declared as a location
of the source (``ingest/sources/listes_lieux.py``, or ``[sources.listes_lieux] urls`` in the deployment's
TOML). Each file is read through its **mapping** (TOML, in the style of ``config/survey_mappings/``):

- a TOML next to a local file, with the same stem (``lieux.csv`` -> ``lieux.toml``), else
- the TOML of ``config/listes_lieux/`` whose ``files`` names the file (glob patterns, case ignored).

The mapping gives the list's ``name`` and ``date`` (vintage), whether the file has a ``header``, and in
``[columns]`` which column gives each field of :data:`FIELDS` (a header name, or a 1-based position when
``header = false``); ``[status]`` lists the spellings of the three statuses. Encoding and separator are
detected as for every CSV (:mod:`ingest.readers`); XLSX and JSON files are read too (with a header).

What the loader does, file by file (``rows_read = rows_loaded + rows_rejected`` holds per file):

- a file the mapping does not fit (a mapped header absent, a position beyond the file's columns, no mapping
  at all) is refused whole with a French :class:`~ingest.errors.ContractError` naming the file, the mapping
  and the column;
- a row is rejected with its reason when it has the wrong number of fields, no name, coordinates that are not
  numbers or are inverted, or the identifier of an earlier row of the same list;
- identifiers whose correction is unambiguous are corrected, each correction in ``raw._field_report``: a
  postcode or commune code of 4 digits gets its leading zero back, a SIRET written with spaces its digits;
  a postcode, commune code or SIRET that cannot be used is kept as published and reported (staging ignores
  it); a status spelling the mapping does not know stays « non renseigné » and is reported.

Placement in a commune (code, postcode and commune name, coordinates) is done by the dbt models
(``int_place_placement``), like every other place source.
"""

from __future__ import annotations

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
from ingest.load import LINEAGE, FileResult, LoadResult, replace_raw, swapped_coordinates, swapped_reason
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
STATUSES = ("ouvert", "projet", "ferme")
# raw.listes_lieux: the list, its mapping, every field (as published, identifiers corrected), the status code
RAW_COLUMNS = ("liste", "millesime", "correspondance", *FIELDS, "statut_code")
_DECIMAL = re.compile(DECIMAL)
_POSTCODE = re.compile(r"\d{5}")
_COMMUNE = re.compile(r"\d{5}|2[AB]\d{3}", re.IGNORECASE)


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


def read_mapping(path: Path) -> ListMapping:
    """Read and check one mapping file; a French :class:`ContractError` names what is wrong."""
    try:
        spec = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise _mapping_error(path, f"erreur de syntaxe TOML ({exc})") from exc
    for key in ("name", "date"):
        if not str(spec.get(key, "")).strip():
            raise _mapping_error(path, f"la clé « {key} » (nom de la liste, millésime) est obligatoire")
    header = spec.get("header", True)
    if not isinstance(header, bool):
        raise _mapping_error(path, "« header » vaut true (ligne d'en-tête) ou false (colonnes par position)")
    columns: dict[str, str | int] = {}
    for code, where in spec.get("columns", {}).items():
        if code not in FIELDS:
            raise _mapping_error(path, f"champ « {code} » inconnu dans [columns] (champs possibles : "
                                       f"{', '.join(FIELDS)})")
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
    if not {"code_commune", "code_postal", "commune", "latitude"} & set(columns):
        raise _mapping_error(path, "[columns] doit donner au moins une colonne pour placer les lieux : code_commune, "
                                   "code_postal, commune ou latitude + longitude")
    status: dict[str, str] = {}
    for code, spellings in spec.get("status", {}).items():
        if code not in STATUSES:
            raise _mapping_error(path, f"statut « {code} » inconnu dans [status] (statuts : {', '.join(STATUSES)})")
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


def _read(snap: Snapshot, mapping: ListMapping):
    """Header (or None), records and what was detected; the column index of each mapped field."""
    if mapping.header:
        header, records, detected = read_table(Path(snap.path), SOURCE)
        keys = [h.strip().lower() for h in header]
        index: dict[str, int] = {}
        for code, name in mapping.columns.items():
            if name.lower() not in keys:
                raise _refused(snap, mapping, (
                    f"la colonne « {name} » ({FIELDS[code]}, champ {code}) est absente de la ligne d'en-tête "
                    f"(colonnes trouvées : {', '.join(h for h in header if h)})."))
            index[code] = keys.index(name.lower())
        return header, records, detected, index
    positions = max(mapping.columns.values())
    contract = Contract(columns=tuple(Column(name=f"colonne_{i}") for i in range(1, positions + 1)), header=False,
                        source=SOURCE)
    _, records, detected = read_table(Path(snap.path), SOURCE, contract)
    records = iter(records)
    first = next(records, None)
    if first is not None and len(first.values) < positions:
        code = next(c for c, p in mapping.columns.items() if p == positions)
        raise _refused(snap, mapping, (
            f"le champ {code} ({FIELDS[code]}) est lu dans la colonne n° {positions}, mais la première ligne du "
            f"fichier n'a que {len(first.values)} colonne(s) (séparateur détecté : « {detected['separator']} »)."))

    def all_records():
        if first is not None:
            yield first
            yield from records
    return None, all_records(), detected, {code: pos - 1 for code, pos in mapping.columns.items()}


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
    width = len(header) if header else None
    loaded, rejected, unknown_status = [], [], {}
    for rec in records:
        result.rows_read += 1
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
            for code in ("latitude", "longitude"):
                v = values.get(code)
                if v is not None and not _DECIMAL.fullmatch(v):
                    reason = f"{column_of[code]} ({FIELDS[code]}) : valeur « {v} » qui n'est pas un nombre décimal"
                    break
            if reason is None and swapped_coordinates(values.get("latitude"), values.get("longitude")):
                reason = swapped_reason(column_of["latitude"], column_of["longitude"], values["latitude"],
                                        values["longitude"])
            if reason is None and values.get("identifiant"):
                key = (mapping.code, values["identifiant"])
                if key in seen:
                    reason = (f"doublon : même identifiant « {values['identifiant']} » que {seen[key]} dans la liste "
                              f"« {mapping.name} »")
                else:
                    seen[key] = f"{name} ligne {rec.line}"
        if reason is not None:
            result.rows_rejected += 1
            record = dict(zip(header, rec.values)) if header and len(rec.values) == len(header) \
                else {"valeurs": rec.values}
            rejected.append((rec, f"{name}, ligne {rec.line} : {reason}", json.dumps(record, ensure_ascii=False)))
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
    rejects: dict[str, list] = {c: [] for c in (*LINEAGE, "reason", "record")}
    seen: dict[tuple, str] = {}
    for snap in snapshots:
        mapping = find_mapping(snap, mappings_dir)
        try:
            result, rows, rejected = _read_file(snap, mapping, seen)
        except ContractError as exc:
            exc.snapshot = snap   # load_or_keep_previous: the previous copy of this file may stand in
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
            for c, v in zip(LINEAGE, (SOURCE, name, snap.sha256, rec.row, rec.line)):
                rejects[c].append(v)
            rejects["reason"].append(reason)
            rejects["record"].append(record)
    replace_raw(con, SOURCE, _arrow(loaded), _arrow(rejects), files)
    for f in files:
        mark_loaded(f.snapshot, f.rows_read)
    return LoadResult(source=SOURCE, files=files)
