"""A territory's fiche as a one-page-per-section PDF (fpdf2), in French formats, with the dashboard's font
(Source Sans Pro, from the font-source-sans-pro package: the PDF core fonts have no €, œ or ’)."""

from __future__ import annotations

from pathlib import Path

import font_source_sans_pro
import pandas as pd
from fpdf import FPDF

FONTS = Path(font_source_sans_pro.__file__).parent / "files"
# Source Sans Pro has no narrow no-break space (the thousands separator of fr_number): a no-break space.
GLYPHS = str.maketrans({"\u202f": "\u00a0"})


def _text(value) -> str:
    return str(value).translate(GLYPHS)


class _Fiche(FPDF):
    def __init__(self, footer_text: str) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.footer_text = footer_text
        self.add_font("source", "", str(FONTS / "SourceSansPro-Regular.ttf"))
        self.add_font("source", "B", str(FONTS / "SourceSansPro-Bold.ttf"))
        self.add_font("source", "I", str(FONTS / "SourceSansPro-It.ttf"))
        self.set_auto_page_break(auto=True, margin=15)
        self.set_margins(15, 15, 15)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("source", "I", 8)
        self.cell(0, 5, _text(f"{self.footer_text} — page {self.page_no()}"), align="C")


def fiche_pdf(name: str, context: str, sections: list[tuple[str, list[tuple[str, str]]]],
              tables: list[tuple[str, pd.DataFrame]], notes: list[str], footer_text: str) -> bytes:
    """The fiche: title, what contains the territory, the key figures by section (label, value already in
    French format), the tables (already formatted: text cells), then the notes (method, sources)."""
    pdf = _Fiche(footer_text)
    pdf.add_page()
    pdf.set_font("source", "B", 18)
    pdf.multi_cell(0, 9, _text(f"Fiche territoire : {name}"), new_x="LMARGIN", new_y="NEXT")
    if context:
        pdf.set_font("source", "", 10)
        pdf.multi_cell(0, 5, _text(context), new_x="LMARGIN", new_y="NEXT")
    for title, items in sections:
        pdf.ln(3)
        pdf.set_font("source", "B", 12)
        pdf.cell(0, 7, _text(title), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("source", "", 10)
        with pdf.table(col_widths=(110, 70), text_align=("LEFT", "RIGHT"), first_row_as_headings=False,
                       borders_layout="HORIZONTAL_LINES", line_height=6) as table:
            for label, value in items:
                row = table.row()
                row.cell(_text(label))
                row.cell(_text(value))
    for title, df in tables:
        if df.empty:
            continue
        pdf.ln(3)
        pdf.set_font("source", "B", 12)
        pdf.cell(0, 7, _text(title), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("source", "", 8)
        with pdf.table(borders_layout="HORIZONTAL_LINES", line_height=5, text_align="LEFT") as table:
            header = table.row()
            for col in df.columns:
                header.cell(_text(col))
            for values in df.itertuples(index=False):
                row = table.row()
                for v in values:
                    row.cell(_text(v))
    pdf.ln(3)
    pdf.set_font("source", "I", 8)
    for note in notes:
        pdf.multi_cell(0, 4, _text(note), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)
    return bytes(pdf.output())
