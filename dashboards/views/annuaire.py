"""Page « Annuaire » : répertoire des lieux, recherche, filtres, export CSV et XLSX."""

from __future__ import annotations

import io

import pandas as pd
import streamlit as st

from dashboards.common import footer, header
from dashboards.data import query
from dashboards.formatting import fr_number, fr_table
from dashboards.territory import commune_filter, params, select_territory
from dashboards.views.carte import TYPE_LABELS

# Services a place offers, as the sources say (fixed SQL, chosen by key: never user text in SQL).
# A place "offers" France Services when it is a France Services site or the same real place as one
# (dim_place.real_place_id); a conseiller numérique when a host structure of the programme was matched to
# it; a programme label when a laureate was matched to it.
SERVICES = {
    "france_services": ("Espace France Services",
                        "(p.place_family = 'france_services' or p.real_place_id in (select real_place_id "
                        "from marts.dim_place where place_family = 'france_services'))"),
    "conseiller_numerique": ("Conseiller numérique",
                             "list_contains(p.source_names, 'anct_conseillers_numeriques')"),
    "fabrique_territoire": ("Fabrique de territoire", "list_contains(p.programme_codes, 'fabrique_territoire')"),
    "manufacture_proximite": ("Manufacture de proximité",
                              "list_contains(p.programme_codes, 'manufacture_proximite')"),
}


def directory(where: str, p: tuple, search: str, types: list[str], services: list[str] = ()) -> pd.DataFrame:
    type_sql = "and p.place_type in (select unnest(?::varchar[]))" if types else ""
    service_sql = "".join(f" and coalesce({SERVICES[s][1]}, false)" for s in services)
    offered = " || ".join(f"case when coalesce({sql}, false) then ['{label}'] else [] end"
                          for label, sql in SERVICES.values())
    return query(f"""
        select p.place_name as "Nom", p.place_type as type, c.commune_name as "Commune",
               c.commune_code as "Code commune", c.epci_name as "EPCI", p.fs_type as "Type France Services",
               array_to_string({offered}, ', ') as "Services",
               p.latitude as "Latitude", p.longitude as "Longitude"
        from marts.dim_place p join marts.dim_commune c using (commune_code)
        where {where} and (? = '' or p.place_name ilike '%' || ? || '%' or c.commune_name ilike '%' || ? || '%')
        {type_sql}{service_sql}
        order by "Commune", "Nom" """, p + (search, search, search) + ((types,) if types else ()))


def to_xlsx(df: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        df.to_excel(writer, index=False, sheet_name="Annuaire")
    return buffer.getvalue()


def render() -> None:
    header("Annuaire des lieux")
    t = select_territory()
    search = st.text_input("Rechercher un lieu ou une commune", "").strip()
    c = st.columns(2)
    types = c[0].multiselect("Type de lieu", list(TYPE_LABELS), format_func=TYPE_LABELS.get)
    services = c[1].multiselect("Services proposés", list(SERVICES), format_func=lambda k: SERVICES[k][0])
    df = directory(commune_filter(t.level), params(t), search, types, services)
    df.insert(1, "Type", df.pop("type").map(TYPE_LABELS))
    st.metric("Lieux trouvés", fr_number(len(df)))
    st.dataframe(fr_table(df, {"Latitude": 5, "Longitude": 5}), hide_index=True, placeholder="—", width="stretch")
    c = st.columns(2)
    c[0].download_button("Télécharger en CSV", df.to_csv(index=False, sep=";").encode("utf-8-sig"),
                         file_name="annuaire-lieux.csv", mime="text/csv")
    c[1].download_button("Télécharger en Excel (XLSX)", to_xlsx(df), file_name="annuaire-lieux.xlsx",
                         mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    footer("tierslieux_2019", "france_services", "conseillers_numeriques", "programme_laureates")
