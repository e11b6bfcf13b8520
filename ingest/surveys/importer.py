"""Loader of source ``surveys``: filled templates and exports of form tools -> ``raw.surveys``.

Registered in :data:`ingest.sources.CUSTOM_LOADERS` as ``"ingest.surveys.importer:load"``. Every file
given (the configured waves plus the files dropped in the inbox) is read (CSV in any encoding and
separator, or XLSX), its columns recognised through the schema (codes, French labels) and the mapping
files of ``config/survey_mappings/`` (Google Forms, LimeSurvey, Framaforms...), and every answer is
validated (:mod:`ingest.surveys.validate`). Waves stay side by side (one ``annee`` per row).

Outputs, written with :func:`ingest.load.replace_raw` (so ``rows_read = rows_loaded + rows_rejected``
holds per file in ``raw._manifest``):

- ``raw.surveys``: one row per answer kept, one column per schema field (the *retained* value, as
  text) plus the lineage columns;
- ``raw.surveys_rejects``: the answers quarantined (an ``erreur`` finding, an exact duplicate, or an
  answer superseded by a later answer of the same place in the same wave), with the French reason and
  the original record;
- ``raw.surveys_report``: one row per finding (row, field in French, value, problem, action), also
  written per file as ``<warehouse>/reports/enquetes/rapport_<fichier>.csv`` and ``.xlsx``, to be sent
  back to the place.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import operator
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import duckdb
import pyarrow as pa

from ingest.config import PROJECT_ROOT, Settings
from ingest.contracts import Contract
from ingest.errors import ContractError, IngestError
from ingest.fetch import Snapshot
from ingest.load import LINEAGE, FileResult, LoadResult, replace_raw
from ingest.readers import binary_kind, read_csv
from ingest.surveys.schema import BY_CODE, FIELDS
from ingest.surveys.validate import ERROR, WARNING, Finding, key, validate_columns

SOURCE = "surveys"
# An answers file: free-text answers span lines, and a form tool's or a spreadsheet's export may end without a
# line end after its last answer (read, with a warning that shows it: readers.read_csv).
ANSWER_FILE = Contract(columns=(), source=SOURCE, max_record_lines=None, last_line_end=False)
MAPPINGS_DIR = PROJECT_ROOT / "config" / "survey_mappings"
SKIP_SHEETS = {"lisez moi", "listes", "readme", "lisez-moi"}
REPORT_COLUMNS = ("fichier", "ligne", "vague", "lieu", "champ", "colonne", "valeur", "valeur_retenue", "probleme",
                  "action", "gravite")


@dataclass(frozen=True)
class Mapping:
    name: str
    detect: tuple[str, ...] = ()
    wave_from: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    columns: dict[str, str] = field(default_factory=dict)   # header key -> field code
    unfinished_if_empty: tuple[str, ...] = ()   # a column left empty by an answer never submitted
    draft: tuple[str, ...] = ()                 # a column saying "1" / "oui" for a draft


def load_mappings(folder: Path = MAPPINGS_DIR) -> list[Mapping]:
    out = []
    for path in sorted(folder.glob("*.toml")):
        spec = tomllib.loads(path.read_text(encoding="utf-8"))
        cols = {}
        for code, headers in spec.get("columns", {}).items():
            if code not in BY_CODE:
                raise ContractError(SOURCE, f"correspondance {path.name} : champ « {code} » inconnu du schéma "
                                            f"(voir docs/enquete_schema.md).", location=str(path))
            for h in ([headers] if isinstance(headers, str) else headers):
                cols[key(h)] = code
        out.append(Mapping(name=spec.get("name", path.stem), detect=tuple(key(h) for h in spec.get("detect", [])),
                           wave_from=tuple(key(h) for h in spec.get("wave_from", [])),
                           ignore=tuple(key(h) for h in spec.get("ignore", [])), columns=cols,
                           unfinished_if_empty=tuple(key(h) for h in spec.get("unfinished_if_empty", [])),
                           draft=tuple(key(h) for h in spec.get("draft", []))))
    return out


def _base_aliases() -> dict[str, str]:
    out = {}
    for f in FIELDS:
        for alias in (f.code, f.label, f.header):
            out.setdefault(key(alias), f.code)
    return out


@dataclass
class Layout:
    """How a file's columns map to the schema."""

    mapping: str
    fields: dict[int, str]                 # column index -> field code
    wave_column: int | None
    ignored: list[str]
    unknown: list[str]
    duplicates: list[tuple[str, str]]      # (header, field code) mapped twice
    approximate: list[tuple[str, str]] = field(default_factory=list)   # (header, field code) matched by its start/end
    unfinished_column: int | None = None   # empty for an answer never submitted (LimeSurvey submitdate)
    draft_column: int | None = None        # "1" for a draft (Webform / Framaforms)
    #: a multi-choice question exported one column per option (Webform « separate »): field code -> [(column
    #: index, option label)], the question's text on the header line above the options
    options: dict[str, list[tuple[int, str]]] = field(default_factory=dict)


def _best_mapping(keys: list[str], mappings: list[Mapping]) -> Mapping | None:
    best, best_score = None, 0
    for m in mappings:
        score = 10 * sum(k in m.detect for k in keys) + sum(k in m.columns for k in keys)
        if score > best_score:
            best, best_score = m, score
    return best


def _approximate_code(k: str, aliases: dict[str, str]) -> str | None:
    """"Surface (m²) *" or "Q11. Surface" : a known alias at the start or the end of the header."""
    return next((c for a, c in aliases.items() if len(a) > 3 and (k.startswith(a + " ") or k.endswith(" " + a))),
                None)


def resolve_layout(header: list[str], mappings: list[Mapping], location: str,
                   above: list[str] | None = None) -> Layout:
    """The columns of ``header`` mapped to the schema (``above``: the header line above it, in an export
    with several header lines, whose texts name the questions exported one column per option)."""
    keys = [key(h or "") for h in header]
    best = _best_mapping(keys + [key(h or "") for h in above or []], mappings)
    aliases = _base_aliases()
    if best is not None:
        aliases = {**aliases, **best.columns}
    ignore = set(best.ignore) if best is not None else set()
    fields, seen, ignored, unknown, dups = {}, {}, [], [], []
    approx: dict[int, str] = {}     # column index -> field code, matched by the header's start or end
    wave_column = unfinished = draft = None
    for i, (h, k) in enumerate(zip(header, keys)):
        if best is not None and k in best.wave_from and wave_column is None:
            wave_column = i
        if best is not None and k in best.unfinished_if_empty and unfinished is None:
            unfinished = i
        if best is not None and k in best.draft and draft is None:
            draft = i
        code = aliases.get(k)
        if code is None and k and k not in ignore:
            # a column of the tool ("Adresse e-mail", "Adresse IP") is never matched by its first word
            code = _approximate_code(k, aliases)
            if code is not None:
                approx[i] = code
        if code is None:
            if k in ignore or not k:
                ignored.append(h)
            else:
                unknown.append(h)
            continue
        if code in seen:
            dups.append((h, code))
            continue
        seen[code] = i
        fields[i] = code
    options: dict[str, list[tuple[int, str]]] = {}
    for i, text in enumerate((above or [])[:len(header)]):
        k = key(text or "")
        code = aliases.get(k) or (_approximate_code(k, aliases) if k else None)
        if code is None or BY_CODE[code].kind != "multi" or code in options:
            continue
        if (code in seen and seen[code] not in approx) or (i in fields and i not in approx):
            continue   # the question has its own column, or the option's column is a question of its own

        def free(j: int) -> bool:
            # a column of the same question: no text above it, not a question of its own
            return (j < len(header) and not (above[j] if j < len(above) else "") and (j not in fields or j in approx)
                    and key(header[j] or "") not in ignore)
        span = [i]
        while free(span[-1] + 1):
            span.append(span[-1] + 1)
        for j in span:   # an option's label read as a question by its first or last word ("France Services")
            if j in fields:
                if seen.get(fields[j]) == j:
                    del seen[fields[j]]
                del fields[j]
                approx.pop(j, None)
        options[code] = [(j, header[j]) for j in span]
        seen[code] = i
        taken = {header[j] for j in span}
        unknown = [h for h in unknown if h not in taken]
    missing = [c for c in ("nom_lieu", "code_commune") if c not in seen]
    if missing:
        raise ContractError(SOURCE, "colonne(s) obligatoire(s) introuvable(s) : "
                            + ", ".join(f"« {BY_CODE[c].label} »" for c in missing)
                            + f" (ligne d'en-tête). Colonnes trouvées : {', '.join(h for h in header if h)}. "
                              "Ajouter leurs intitulés à un fichier de config/survey_mappings/.", location=location)
    return Layout(mapping=best.name if best else "modèle de l'observatoire", fields=fields, wave_column=wave_column,
                  ignored=ignored, unknown=unknown, duplicates=dups,
                  approximate=[(header[i], code) for i, code in approx.items()],
                  unfinished_column=unfinished, draft_column=draft, options=options)


# ------------------------------------------------------------------------------------------------
# Reading
# ------------------------------------------------------------------------------------------------

def _cell(v) -> str | None:
    if v is None:
        return None
    if isinstance(v, bool):
        return "oui" if v else "non"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() else repr(v)
    if isinstance(v, dt.datetime):
        return v.date().isoformat() if v.time() == dt.time() else v.isoformat(sep=" ")
    if isinstance(v, dt.date):
        return v.isoformat()
    s = str(v).strip()
    return s or None


_XLSX_DAMAGED = ("classeur XLSX illisible : le fichier est abîmé ou tronqué (transfert coupé ?), protégé par un mot de "
                 "passe, ou n'est pas un classeur Excel. Le fichier est refusé en entier ; ouvrez-le dans le tableur "
                 "et enregistrez-le de nouveau au format .xlsx, ou téléchargez de nouveau l'export")


def read_xlsx(path: Path, location: str) -> tuple[list[str], Iterator[tuple[int, int, list]]]:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any unreadable workbook is reported the same way
        raise ContractError(SOURCE, _XLSX_DAMAGED + f" (détail technique : {type(exc).__name__})",
                            location=location) from exc
    sheets = [ws for ws in wb.worksheets if key(ws.title) not in SKIP_SHEETS] or wb.worksheets
    ws = sheets[0]
    rows = ws.iter_rows(values_only=True)
    header, header_line = None, 0
    for line, values in enumerate(rows, start=1):
        cells = [_cell(v) for v in values]
        if any(cells):
            header, header_line = [c or "" for c in cells], line
            break
    if header is None:
        wb.close()
        raise ContractError(SOURCE, f"la feuille « {ws.title} » est vide.", location=location)

    def records():
        n, line = 0, header_line
        try:
            for line, values in enumerate(rows, start=header_line + 1):
                cells = [_cell(v) for v in values]
                if not any(cells):
                    continue
                n += 1
                cells = (cells + [None] * len(header))[:max(len(header), len(cells))]
                if len(cells) > len(header) and not any(cells[len(header):]):
                    cells = cells[:len(header)]
                yield n, line, cells
        except Exception as exc:  # noqa: BLE001 - a sheet cut or damaged inside the archive
            raise ContractError(SOURCE, _XLSX_DAMAGED + f" (feuille « {ws.title} », après la ligne {line} ; détail "
                                f"technique : {type(exc).__name__})", location=location) from exc
        finally:
            wb.close()

    return header, records()


def read_any(snap: Snapshot) -> tuple[list[str], Iterator[tuple[int, int, list]], dict]:
    path = Path(snap.path)
    with path.open("rb") as fh:
        magic = fh.read(4)
    if magic == b"PK\x03\x04" or path.suffix.lower() in (".xlsx", ".xlsm"):
        header, recs = read_xlsx(path, snap.location)
        return header, recs, {"encoding": "xlsx", "separator": ""}
    with path.open("rb") as fh:
        head = fh.read(8)
    binary = binary_kind(head)
    if binary is not None:
        raise ContractError(SOURCE, f"le fichier reçu est {binary}, pas un questionnaire lisible : l'ouvrir dans le "
                            "tableur et l'enregistrer au format .xlsx ou CSV, puis le déposer de nouveau. Rien n'a "
                            "été chargé de ce fichier.", location=snap.location)
    header, recs, detected = read_csv(path, SOURCE, ANSWER_FILE)
    return header, ((r.row, r.line, [v if v != "" else None for v in r.values]) for r in recs), detected


# ------------------------------------------------------------------------------------------------
# Loading
# ------------------------------------------------------------------------------------------------

@dataclass
class Answer:
    file_index: int
    file_name: str
    sha256: str
    row: int
    line: int
    record: dict
    values: dict[str, str | None]
    findings: list[Finding]
    columns: dict[str, str]              # field code -> header in the file
    reasons: list[str] = field(default_factory=list)   # row-level reasons (duplicates)
    notes: list[Finding] = field(default_factory=list)  # found while reading (the wave taken from the file name)

    @property
    def rejected(self) -> bool:
        return bool(self.reasons) or any(f.severity == ERROR for f in self.findings)


def _wave_from_text(text: str | None) -> str | None:
    m = re.search(r"(?<!\d)(20\d{2})(?!\d)", text or "")
    return m.group(1) if m else None


def _identity(a: Answer) -> list[tuple]:
    v = a.values
    keys = []
    if v.get("identifiant_lieu"):
        keys.append(("id", v["annee"], key(v["identifiant_lieu"])))
    if v.get("siret"):
        keys.append(("siret", v["annee"], v["siret"], v["code_commune"]))
    keys.append(("nom", v["annee"], key(v["nom_lieu"] or ""), v["code_commune"]))
    return keys


def _deduplicate(answers: list[Answer]) -> None:
    """Within a wave: an identical second answer is quarantined; when one place answered twice with
    different figures, the later answer is kept and the earlier one quarantined. One place = the same
    identifier when the answer has one (two identifiers are two places, even with one name), else the
    same SIRET in the commune or the same name in the commune."""
    kept: dict[tuple, Answer] = {}
    for a in answers:
        if a.rejected:
            continue
        keys = _identity(a)
        lookup = keys[:1] if a.values.get("identifiant_lieu") else keys
        previous = next((kept[k] for k in lookup if k in kept and not kept[k].rejected), None)
        if previous is not None:
            where = f"{a.file_name}, ligne {a.line}"
            prev_where = f"{previous.file_name}, ligne {previous.line}"
            same = {k: v for k, v in a.values.items()} == {k: v for k, v in previous.values.items()}
            if same:
                a.reasons.append(f"doublon : réponse identique à celle de {prev_where} (même lieu, vague {a.values['annee']})")
                continue
            previous.reasons.append(f"réponse en double pour le même lieu et la même vague ({a.values['annee']}) : "
                                    f"remplacée par la réponse plus récente de {where}")
        for k in keys:
            kept[k] = a


def _report_rows(a: Answer) -> list[dict]:
    out = []
    base = {"fichier": a.file_name, "ligne": a.line, "vague": a.values.get("annee") or "",
            "lieu": a.values.get("nom_lieu") or a.record.get(a.columns.get("nom_lieu", ""), "") or ""}
    for f in a.findings:
        fdef = BY_CODE.get(f.field)
        out.append({**base, "champ": fdef.label if fdef else "ligne entière", "colonne": a.columns.get(f.field, ""),
                    "valeur": "" if f.value is None else str(f.value),
                    "valeur_retenue": "" if f.retained is None else f.retained, "probleme": f.problem,
                    "action": f.action, "gravite": f.severity})
    for reason in a.reasons:
        out.append({**base, "champ": "ligne entière", "colonne": "", "valeur": "", "valeur_retenue": "",
                    "probleme": reason, "action": "ligne mise en quarantaine", "gravite": ERROR})
    return out


def _reject_reason(a: Answer) -> str:
    parts = [f"{BY_CODE[f.field].label} : {f.problem} (valeur « {f.value or ''} »)"
             for f in a.findings if f.severity == ERROR] + a.reasons
    return f"{a.file_name}, ligne {a.line} : " + " ; ".join(parts)


def _arrow(columns: dict[str, list]) -> pa.Table:
    return pa.table({k: pa.array(v, type=pa.int64() if k in ("_row", "_line", "ligne") else pa.string())
                     for k, v in columns.items()})


def write_reports(folder: Path, report: list[dict], file_names: list[str]) -> list[Path]:
    """One CSV (``;``, UTF-8 with BOM, opens in Excel) and one XLSX report per file loaded.

    Every refresh reloads every wave, so most reports are the same as last time: a report whose
    content is unchanged (same rows, fingerprint kept in ``rapport_<fichier>.sha256``) and whose two
    files are still there is not written again (writing an XLSX costs about 1 s per 5,000 rows).
    """
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    labels = ["Fichier", "Ligne", "Vague", "Lieu", "Champ", "Colonne du fichier", "Valeur saisie", "Valeur retenue",
              "Problème", "Action", "Gravité"]
    by_file: dict[str, list[list]] = {name: [] for name in file_names}
    for r in report:
        if r["fichier"] in by_file:
            by_file[r["fichier"]].append([r[c] for c in REPORT_COLUMNS])
    for name in file_names:
        rows = by_file[name]
        stem = re.sub(r"[^\w.-]+", "_", Path(name).stem)
        buf = io.StringIO(newline="")
        w = csv.writer(buf, delimiter=";", lineterminator="\r\n")
        w.writerow(labels)
        w.writerows(rows)
        content = buf.getvalue().encode("utf-8-sig")
        csv_path, xlsx_path = folder / f"rapport_{stem}.csv", folder / f"rapport_{stem}.xlsx"
        stamp = folder / f"rapport_{stem}.sha256"
        fingerprint = hashlib.sha256(content + b"|xlsx-v2").hexdigest()
        written += [csv_path, xlsx_path]
        if (stamp.exists() and stamp.read_text(encoding="utf-8").strip() == fingerprint
                and csv_path.exists() and xlsx_path.exists()):
            continue
        stamp.unlink(missing_ok=True)
        csv_path.write_bytes(content)
        _write_xlsx(xlsx_path, labels, rows, name)
        stamp.write_text(fingerprint + "\n", encoding="utf-8")
    return written


def _write_xlsx(path: Path, labels: list[str], rows: list[list], name: str) -> None:
    """The XLSX report, streamed (openpyxl write-only mode): bold frozen header, readable widths."""
    import openpyxl
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Rapport")
    for col, width in zip("ABCDEFGHIJK", (28, 7, 7, 30, 30, 30, 22, 16, 60, 50, 14)):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for label in labels:
        cell = WriteOnlyCell(ws, value=label)
        cell.font = bold
        header.append(cell)
    ws.append(header)
    for r in rows:
        ws.append(r)
    if not rows:
        ws.append([name, None, None, None, None, None, None, None, "aucun problème relevé", None, None])
    tmp = path.with_name(path.name + ".tmp")
    wb.save(tmp)
    tmp.replace(path)


def reports_dir(settings: Settings | None) -> Path | None:
    return settings.warehouse_dir / "reports" / "enquetes" if settings is not None else None


@dataclass
class _ReadFile:
    """One survey file read (before the validation and the checks across files)."""
    encoding: str
    separator: str
    rows_read: int
    findings: list[dict]          # about the header
    answers: list[Answer]         # file_index 0 (set when loaded)
    pending: list[Answer] = field(default_factory=list)       # the answers to validate (values not set yet)
    typed: dict[str, list] = field(default_factory=dict)      # field code -> what each pending answer typed
    warnings: list[str] = field(default_factory=list)         # the reader's (a last line without line end)


#: header lines an export may write above its column names (Drupal Webform / Framaforms: the form's title,
#: then « Submission Details » and the questions exported one column per option)
MAX_LINES_ABOVE_HEADER = 2
TRUE_WORDS = {"1", "oui", "yes", "y", "o", "vrai", "true", "x"}


def _find_header(header: list[str], records: Iterator, mappings: list[Mapping], location: str):
    """(header, the header line above it or None, lines above the header, the header's line, layout, records):
    the column names are on the first line, or on the second or third under a title (a Webform / Framaforms
    export)."""
    above: list[list] = []
    candidate, first_error, line = header, None, 1
    while True:
        try:
            layout = resolve_layout(candidate, mappings, location, above[-1] if above else None)
            return candidate, (above[-1] if above else None), len(above), line, layout, records
        except ContractError as exc:
            first_error = first_error or exc
            if len(above) >= MAX_LINES_ABOVE_HEADER:
                raise first_error from None
            nxt = next(records, None)
            if nxt is None:
                raise first_error from None
            above.append([c or "" for c in candidate])
            candidate, line = [c or "" for c in nxt[2]], nxt[1]


def _header_finding(name: str, line: int, champ: str, column: str, problem: str, action: str) -> dict:
    return {"fichier": name, "ligne": line, "vague": "", "lieu": "", "champ": champ, "colonne": column,
            "valeur": column, "valeur_retenue": "", "probleme": problem, "action": action, "gravite": WARNING}


def _read_file(snap: Snapshot, name: str, mappings: list[Mapping]) -> _ReadFile:
    header, records, detected = read_any(snap)
    header, above, n_above, header_line, layout, records = _find_header(header, records, mappings, snap.location)
    out = _ReadFile(detected["encoding"], detected["separator"], 0, [], [])
    file_wave = _wave_from_text(Path(name).stem)
    if n_above:
        out.findings.append(_header_finding(
            name, header_line, "en-tête", "", f"{n_above} ligne(s) de titre au-dessus des intitulés de colonnes "
            "(export Webform / Framaforms)", f"ligne(s) ignorée(s) : intitulés lus à la ligne {header_line}"))
    for h in layout.unknown:
        out.findings.append(_header_finding(name, header_line, "en-tête", h, "colonne non reconnue",
                                            "colonne ignorée (l'ajouter à un fichier de config/survey_mappings/ si "
                                            "elle correspond à un champ)"))
    for h, code in layout.duplicates:
        out.findings.append(_header_finding(name, header_line, BY_CODE[code].label, h,
                                            "second intitulé pour le même champ", "colonne ignorée"))
    for h, code in layout.approximate:
        out.findings.append(_header_finding(
            name, header_line, BY_CODE[code].label, h, f"intitulé rapproché du champ « {BY_CODE[code].label} » par "
            "son début ou sa fin", "colonne lue pour ce champ : vérifier ; sinon ajouter l'intitulé exact à un "
            "fichier de config/survey_mappings/"))
    for code, opts in layout.options.items():
        out.findings.append(_header_finding(
            name, header_line, BY_CODE[code].label, ", ".join(label for _, label in opts),
            f"question « {above[opts[0][0]]} » exportée en une colonne par option",
            "options cochées réunies dans le champ, séparées par « ; »"))
    columns = {code: header[idx] for idx, code in layout.fields.items()}
    columns |= {code: above[opts[0][0]] for code, opts in layout.options.items()}
    width = len(header)
    rows: list[list] = []      # the cells of the answers to validate
    for row, line, cells in records:
        out.rows_read += 1
        row -= n_above
        if len(cells) > width and not any((c or "").strip() for c in cells[width:]):
            cells = cells[:width]   # empty cells after the last column (a spreadsheet's trailing « ; »)
        record = dict(zip(header, cells)) if len(cells) == width else {"valeurs": cells}
        reason = None
        if len(cells) != width:
            reason = f"nombre de champs incorrect : {len(cells)} au lieu de {width}"
        elif layout.unfinished_column is not None and not cells[layout.unfinished_column]:
            reason = (f"réponse non terminée : la colonne « {header[layout.unfinished_column]} » est vide (le lieu n'a "
                      "pas validé le questionnaire) ; l'exporter avec les seules réponses complètes, ou relancer le lieu")
        elif layout.draft_column is not None and key(cells[layout.draft_column] or "") in TRUE_WORDS:
            reason = (f"brouillon non envoyé (colonne « {header[layout.draft_column]} » : "
                      f"{cells[layout.draft_column]}) ; relancer le lieu pour qu'il envoie sa réponse")
        if reason is not None:
            out.answers.append(Answer(0, name, snap.sha256, row, line, record, {c.code: None for c in FIELDS}, [],
                                      columns, [reason]))
            continue
        answer = Answer(0, name, snap.sha256, row, line, record, {}, [], columns)
        out.answers.append(answer)
        out.pending.append(answer)
        rows.append(cells)
    out.typed = {code: [cells[idx] for cells in rows] for idx, code in layout.fields.items()}
    for code, opts in layout.options.items():   # "X" under each option ticked (the text typed under « Autre »)
        out.typed[code] = [";".join(label if key(cells[j] or "") in TRUE_WORDS else cells[j]
                                    for j, label in opts if cells[j]) or None for cells in rows]
    years = out.typed.setdefault("annee", [None] * len(rows))
    sent = ([_wave_from_text(cells[layout.wave_column]) for cells in rows] if layout.wave_column is not None
            else [None] * len(rows))
    if file_wave and not any(years):
        dated = [int(y) for y in sent if y]
        if dated and all(y < int(file_wave) or y > int(file_wave) + 1 for y in dated):
            raise ContractError(SOURCE, (
                f"le nom du fichier annonce la vague {file_wave} mais toutes ses réponses datées ont été envoyées en "
                f"{', '.join(sorted(set(map(str, dated))))} (colonne « {header[layout.wave_column]} ») : fichier d'une "
                "autre année déposé par erreur ? Le fichier est refusé en entier ; renommez-le avec l'année de sa "
                "vague, ou ajoutez une colonne « Année de l'enquête »."), location=snap.location)
    for i, year in enumerate(years):
        if not year:   # the wave from the file name, else from the wave column (a timestamp)
            years[i] = file_wave or sent[i]
            if file_wave and sent[i] and sent[i] != file_wave:
                out.pending[i].notes = [Finding("annee", rows[i][layout.wave_column], file_wave,
                                                    f"réponse envoyée en {sent[i]}, rattachée à la vague {file_wave} "
                                                    "du nom du fichier", f"valeur retenue : {file_wave}", WARNING)]
    out.warnings = list(detected.get("warnings", ()))   # known once every record is read
    return out


def _lineage(answers: list[Answer]) -> dict[str, list]:
    """The lineage columns (:data:`LINEAGE`) of ``answers``."""
    return dict(zip(LINEAGE, ([SOURCE] * len(answers), [a.file_name for a in answers], [a.sha256 for a in answers],
                              [a.row for a in answers], [a.line for a in answers])))


def load(con: duckdb.DuckDBPyConnection, snapshots: list[Snapshot], settings: Settings | None = None,
         mappings: list[Mapping] | None = None) -> LoadResult:
    """Read, validate and load every survey file; see the module docstring."""
    mappings = load_mappings() if mappings is None else mappings
    answers: list[Answer] = []
    files: list[FileResult] = []
    file_findings: list[dict] = []
    pending: list[Answer] = []
    typed: dict[str, list] = {f.code: [] for f in FIELDS}
    for i, snap in enumerate(snapshots):
        try:
            read = _read_file(snap, Path(snap.location).name, mappings)
        except ContractError as exc:
            exc.name_file(snap.location)     # the CSV reader names the archived copy it read
            raise
        files.append(FileResult(snapshot=snap, encoding=read.encoding, separator=read.separator,
                                rows_read=read.rows_read, warnings=list(read.warnings)))
        file_findings += read.findings
        for a in read.answers:
            a.file_index = i
        answers += read.answers
        pending += read.pending
        for code in typed:
            typed[code] += read.typed.get(code) or [None] * len(read.pending)
    # every answer of every file validated at once, column by column (each distinct value of a field
    # cleaned once)
    for a, cleaned, findings in zip(pending, *validate_columns(typed, len(pending))):
        a.values, a.findings = cleaned, a.notes + findings
    _deduplicate(answers)

    report: list[dict] = list(file_findings)
    kept, quarantined = [], []
    for a in answers:
        fr = files[a.file_index]
        if a.rejected:
            fr.rows_rejected += 1
            quarantined.append(a)
        else:
            fr.rows_loaded += 1
            kept.append(a)
        report += _report_rows(a)
    # column by column: the fields retained (every answer's values hold every field), then the lineage
    codes = [f.code for f in FIELDS]
    fields = zip(*map(operator.itemgetter(*codes), (a.values for a in kept))) if kept else [()] * len(codes)
    loaded: dict[str, list] = dict(zip(codes, map(list, fields))) | _lineage(kept)
    rejects: dict[str, list] = _lineage(quarantined) | {
        "reason": [_reject_reason(a) for a in quarantined],
        "record": [json.dumps(a.record, ensure_ascii=False) for a in quarantined]}
    replace_raw(con, SOURCE, _arrow(loaded), _arrow(rejects), files)
    rep = {c: [r[c] for r in report] for c in REPORT_COLUMNS}
    con.register("_survey_report", _arrow(rep))
    try:
        con.execute("create or replace table raw.surveys_report as select * from _survey_report")
    finally:
        con.unregister("_survey_report")
    folder = reports_dir(settings)
    if folder is not None:   # the per-file reports sent back to the places
        try:
            write_reports(folder, report, [Path(s.location).name for s in snapshots])
        except OSError as exc:
            raise IngestError(SOURCE, f"rapports par fichier non écrits dans {folder} : {exc}") from exc
    return LoadResult(source=SOURCE, files=files)

