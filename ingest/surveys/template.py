"""The blank XLSX questionnaire, generated from the schema (:mod:`ingest.surveys.schema`).

``python -m ingest.surveys.template out.xlsx [--lignes 500] [--csv header.csv]`` (``make template`` writes
``config/templates/enquete_modele.xlsx`` and the CSV header ``config/templates/enquete_modele.csv``).

Sheets: « Lieux » (one row per place, one column per field, headers = French labels with units,
required ones marked « * », drop-down lists and range checks through data validation, help in each
header's comment), « Lisez-moi » (instructions and the field table), « Listes » (the allowed values
the drop-down lists read, hidden). A filled template is read back by :mod:`ingest.surveys.importer`.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ingest.surveys.schema import COHERENCE_RULES, FIELDS, FREE_TEXT_RULES, KIND_LABELS, describe

SHEET = "Lieux"


def header(f) -> str:
    return f.header + (" *" if f.required else "")


def build(path: Path, n_rows: int = 500) -> Path:
    import openpyxl
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = SHEET
    readme = wb.create_sheet("Lisez-moi")
    lists = wb.create_sheet("Listes")
    bold = Font(bold=True)
    fill_req = PatternFill("solid", fgColor="FCE4D6")
    fill = PatternFill("solid", fgColor="DDEBF7")
    last = n_rows + 1

    list_col = 0
    for i, f in enumerate(FIELDS, start=1):
        col = get_column_letter(i)
        cell = ws.cell(row=1, column=i, value=header(f))
        cell.font = bold
        cell.fill = fill_req if f.required else fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        note = f"{f.label}" + (f" ({f.unit})" if f.unit else "") + f"\nValeurs admises : {describe(f)}"
        if f.required:
            note += "\nObligatoire."
        if f.help:
            note += f"\n{f.help}"
        cell.comment = Comment(note, "Observatoire des tiers-lieux", width=320, height=140)
        ws.column_dimensions[col].width = max(14, min(40, len(header(f)) + 2))
        rng = f"{col}2:{col}{last}"
        dv = None
        if f.kind in ("choice", "multi"):
            list_col += 1
            lcol = get_column_letter(list_col)
            lists.cell(row=1, column=list_col, value=f.label).font = bold
            for j, choice in enumerate(f.choices, start=2):
                lists.cell(row=j, column=list_col, value=choice)
            ref = f"Listes!${lcol}$2:${lcol}${len(f.choices) + 1}"
            dv = DataValidation(type="list", formula1=ref, allow_blank=True)
            if f.kind == "multi":  # several values "a;b": the list only suggests, it does not refuse
                dv.errorStyle = "information"
                dv.error = "Plusieurs valeurs possibles, séparées par « ; »."
            else:
                dv.errorStyle = "warning"
                dv.error = f"Valeur hors liste : {describe(f)}"
        elif f.kind in ("integer", "year"):
            dv = DataValidation(type="whole", operator="between", formula1=str(int(f.minimum)),
                                formula2=str(int(f.maximum)), allow_blank=True)
            dv.errorStyle = "warning"
            dv.error = f"{f.label} : {describe(f)}"
        elif f.kind == "decimal":
            dv = DataValidation(type="decimal", operator="between", formula1=str(f.minimum), formula2=str(f.maximum),
                                allow_blank=True)
            dv.errorStyle = "warning"
            dv.error = f"{f.label} : {describe(f)}"
        elif f.kind in ("siret", "commune", "postcode"):
            for r in range(2, last + 1):
                ws.cell(row=r, column=i).number_format = "@"   # keep leading zeros
            length = {"siret": 14, "commune": 5, "postcode": 5}[f.kind]
            dv = DataValidation(type="textLength", operator="equal", formula1=str(length), allow_blank=True)
            dv.errorStyle = "warning"
            dv.error = f"{f.label} : {describe(f)}"
        if dv is not None:
            dv.showErrorMessage = True
            dv.errorTitle = f.label
            dv.promptTitle = f.label[:32]
            dv.prompt = describe(f)[:255]
            dv.showInputMessage = True
            ws.add_data_validation(dv)
            dv.add(rng)
    ws.freeze_panes = "D2"
    ws.row_dimensions[1].height = 45
    lists.sheet_state = "hidden"

    readme.column_dimensions["A"].width = 34
    for c, w in zip("BCDEF", (10, 14, 60, 12, 60)):
        readme.column_dimensions[c].width = w
    lines = [
        ("Enquête annuelle de l'observatoire des tiers-lieux",),
        ("Une ligne par lieu, dans la feuille « Lieux ». Les colonnes marquées « * » sont obligatoires "
         "(année, nom du lieu, code commune INSEE) ; l'année peut manquer si le nom du fichier la contient "
         "(ex. enquete_2026.xlsx).",),
        ("Saisir des nombres sans unité (120 et non « 120 m² ») ; une valeur approximative (« env. 30 ») ou un "
         "intervalle (« 30-40 ») est accepté mais signalé dans le rapport renvoyé au lieu.",),
        ("Ne pas renommer ni supprimer les colonnes ; les listes déroulantes donnent les valeurs attendues.",),
        ("Le fichier rempli est déposé dans la boîte de dépôt de l'observatoire : il est contrôlé, chargé, et un "
         "rapport (ligne, champ, valeur, problème, action) est produit pour chaque fichier.",),
        (),
        ("Champ", "Unité", "Type", "Valeurs admises", "Obligatoire", "Aide"),
    ]
    for f in FIELDS:
        lines.append((f.label, f.unit, KIND_LABELS[f.kind], describe(f), "oui" if f.required else "", f.help))
    lines += [(), ("Contrôles de cohérence",)] + [(text,) for _, text in COHERENCE_RULES]
    lines += [(), ("Valeurs saisies librement",)] + [(line.strip(" -"),) for line in
                                                      FREE_TEXT_RULES.replace("\n  ", " ").splitlines()]
    for r, values in enumerate(lines, start=1):
        for c, v in enumerate(values, start=1):
            cell = readme.cell(row=r, column=c, value=v)
            cell.alignment = Alignment(wrap_text=c > 1, vertical="top")
    readme["A1"].font = Font(bold=True, size=14)
    for c in range(1, 7):
        readme.cell(row=7, column=c).font = bold
    for r, values in enumerate(lines, start=1):
        if values and values[0] in ("Contrôles de cohérence", "Valeurs saisies librement"):
            readme.cell(row=r, column=1).font = bold
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description="Écrit le modèle XLSX vierge de l'enquête annuelle.")
    p.add_argument("out", type=Path, help="fichier .xlsx à écrire")
    p.add_argument("--lignes", type=int, default=500, help="nombre de lignes équipées de listes déroulantes")
    p.add_argument("--csv", type=Path, default=None, help="écrit aussi l'en-tête CSV technique (noms de colonnes)")
    args = p.parse_args(argv)
    out = build(args.out, args.lignes)
    print(f"Modèle écrit : {out}")
    if args.csv:
        args.csv.write_text(";".join(f.code for f in FIELDS) + "\n", encoding="utf-8")
        print(f"En-tête CSV écrit : {args.csv}")


if __name__ == "__main__":
    main()
