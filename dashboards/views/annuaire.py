"""Page « Annuaire » : répertoire des lieux, recherche, filtres, export CSV et XLSX."""

from __future__ import annotations

import io

import pandas as pd
import streamlit as st

from dashboards import queries
from dashboards.common import footer, header
from dashboards.formatting import fr_number
from dashboards.territory import select_territory
from dashboards.views.carte import TYPE_LABELS

# Services a place offers, as the sources say (marts.dim_place: offers_france_services, hosts_conseiller_numerique,
# is_fabrique_territoire, is_manufacture_proximite), by key of dashboards.queries.SERVICE_COLUMNS.
SERVICES = {
    "france_services": "Espace France Services",
    "conseiller_numerique": "Conseiller numérique",
    "fabrique_territoire": "Fabrique de territoire",
    "manufacture_proximite": "Manufacture de proximité",
}


def directory(t, search: str, types: list[str], services: list[str] = ()) -> pd.DataFrame:
    """The places of the territory found, with the services each offers listed in French."""
    df = queries.directory(t.level, t.code, search, types, list(services))
    offered = [", ".join(label for key, label in SERVICES.items() if row[key]) for _, row in df.iterrows()]
    df = df.drop(columns=list(SERVICES))
    is_fs = df["type"] == "france_services"
    df.loc[is_fs, "Type France Services"] = df.loc[is_fs, "Type France Services"].fillna("non renseigné")
    df.insert(df.columns.get_loc("Latitude"), "Services", offered)
    return df


# A cell starting with one of these is read as a formula by spreadsheet software (OWASP, "CSV injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _formula_like(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_START)


def to_csv(df: pd.DataFrame) -> bytes:
    """The directory as a CSV a spreadsheet opens as text: a cell that would be read as a formula
    (``=HYPERLINK(...)``) gets a leading apostrophe, as OWASP recommends."""
    safe = df.copy()
    for col in safe.columns:
        if not pd.api.types.is_numeric_dtype(safe[col]):
            safe[col] = safe[col].map(lambda v: "'" + v if _formula_like(v) else v)
    return safe.to_csv(index=False, sep=";").encode("utf-8-sig")


def to_xlsx(df: pd.DataFrame) -> bytes:
    """The directory as XLSX; every text cell is written as text, never as a formula (openpyxl takes a string
    starting with "=" for a formula)."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        df.to_excel(writer, index=False, sheet_name="Annuaire")
        for row in writer.sheets["Annuaire"].iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"
    return buffer.getvalue()


SHOWN = ["Nom", "Type", "Adresse", "Code postal", "Commune", "Téléphone", "Courriel", "Site web", "Services",
         "Type France Services", "EPCI"]


def render() -> None:
    header("Annuaire des lieux")
    t = select_territory()
    search = st.text_input("Rechercher un lieu ou une commune", "").strip()
    c = st.columns(2)
    types = c[0].multiselect("Type de lieu", list(TYPE_LABELS), format_func=TYPE_LABELS.get,
                             placeholder="Tous les types")
    services = c[1].multiselect("Services proposés", list(SERVICES), format_func=SERVICES.get,
                                placeholder="Tous les lieux")
    df = directory(t, search, types, services)
    df.insert(1, "Type", df.pop("type").map(TYPE_LABELS))
    st.metric("Lieux trouvés", fr_number(len(df)))
    st.dataframe(df[SHOWN], hide_index=True, placeholder="—", width="stretch",
                 # Name, type, address, postcode and commune on the first screen at a projector's 1280 pixels.
                 column_config={"Nom": st.column_config.TextColumn(width=260),
                                "Type": st.column_config.TextColumn(width=115),
                                "Adresse": st.column_config.TextColumn(width=190),
                                "Code postal": st.column_config.TextColumn(width=85),
                                "Commune": st.column_config.TextColumn(width=150),
                                "Services": st.column_config.TextColumn(width="medium"),
                                "Site web": st.column_config.LinkColumn(display_text=r"https?://(?:www\.)?([^/]+).*")})
    st.caption("Les fichiers téléchargés donnent aussi le code commune et les coordonnées de chaque lieu.")
    c = st.columns(2)
    # The files are written when the button is clicked (a callable), not at every display of the page: an XLSX
    # of France's 4,000 places takes seconds.
    c[0].download_button("Télécharger en CSV", lambda: to_csv(df), file_name="annuaire-lieux.csv", mime="text/csv")
    c[1].download_button("Télécharger en Excel (XLSX)", lambda: to_xlsx(df), file_name="annuaire-lieux.xlsx",
                         mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    footer("tierslieux_2019", "france_services", "conseillers_numeriques", "programme_laureates")
