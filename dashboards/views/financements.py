"""Page « Financements » : subventions publiées (SCDL) rapprochées des tiers-lieux."""

from __future__ import annotations

import altair as alt
import streamlit as st

from dashboards.common import footer, header
from dashboards.data import query
from dashboards.formatting import fr_number, fr_table
from dashboards.territory import commune_filter, figures, params, select_territory


def render() -> None:
    header("Financements")
    t = select_territory()
    where, p = commune_filter(t.level), params(t)
    f = figures(t)
    c = st.columns(3)
    c[0].metric("Subventions versées aux tiers-lieux", fr_number(f["financements"], 0, " €"))
    c[1].metric("Tiers-lieux financés", fr_number(f["lieux_finances"]))
    c[2].metric("Par habitant", fr_number(f["financements_hab"], 2, " €"))
    funders = query(f"""
        select g.funder_name as financeur, sum(g.amount_eur) as montant, count(*) as subventions
        from marts.fct_grants g join marts.dim_commune c using (commune_code)
        where {where} and g.place_id is not null group by all order by montant desc""", p)
    if funders.empty:
        st.info("Aucune subvention publiée rapprochée d'un tiers-lieu pour ce territoire.")
    else:
        chart = alt.Chart(funders).mark_bar(color="#2ca02c").encode(
            y=alt.Y("financeur:N", sort="-x", title=None, axis=alt.Axis(labelFontSize=15, labelLimit=300)),
            x=alt.X("montant:Q", title="Montant versé aux tiers-lieux (€)", axis=alt.Axis(format="d")),
            tooltip=[alt.Tooltip("financeur:N", title="Financeur"),
                     alt.Tooltip("montant:Q", title="Montant (€)", format=",.0f"),
                     alt.Tooltip("subventions:Q", title="Subventions")]).properties(height=60 * len(funders) + 40)
        st.altair_chart(chart + chart.mark_text(align="left", dx=4, fontSize=14).encode(
            text=alt.Text("montant:Q", format="d")), width="stretch")
        grants = query(f"""
            select cast(g.convention_date as date) as "Date", g.funder_name as "Financeur",
                   g.beneficiary_name as "Bénéficiaire",
                   g.purpose as "Objet", round(g.amount_eur) as "Montant (€)"
            from marts.fct_grants g join marts.dim_commune c using (commune_code)
            where {where} and g.place_id is not null order by g.amount_eur desc""", p)
        st.dataframe(fr_table(grants, {"Montant (€)": 0}), hide_index=True, width="stretch")
    st.caption("Seules les subventions publiées en open data (format SCDL) et rapprochées d'un tiers-lieu "
               "sont comptées ; les autres financements ne sont pas connus.")
    footer("subventions")
