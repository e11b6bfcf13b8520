"""Page « Fréquentation » : enquête annuelle auprès des lieux, par vague."""

from __future__ import annotations

import altair as alt
import streamlit as st

from dashboards.common import footer, header
from dashboards.data import query
from dashboards.formatting import fr_number
from dashboards.territory import commune_filter, params, select_territory


def render() -> None:
    header("Fréquentation")
    t = select_territory()
    where, p = commune_filter(t.level), params(t)
    waves = query(f"""
        select a.wave_year, count(*) as repondants, sum(a.visitors_per_week) as visiteurs,
               sum(a.members) as adherents
        from marts.fct_attendance_place a join marts.dim_commune c using (commune_code)
        where {where} group by a.wave_year order by a.wave_year""", p)
    if waves.empty:
        st.info("Aucune réponse à l'enquête pour ce territoire.")
        footer("surveys")
        return
    last = waves.iloc[-1]
    c = st.columns(3)
    c[0].metric(f"Visiteurs par semaine (enquête {int(last.wave_year)})", fr_number(last.visiteurs))
    c[1].metric("Lieux répondants", fr_number(last.repondants))
    c[2].metric("Adhérents déclarés", fr_number(last.adherents))
    waves["Vague"] = waves.wave_year.astype(str)
    chart = alt.Chart(waves).mark_bar(color="#1f77b4").encode(
        x=alt.X("Vague:N", title="Année de l'enquête", axis=alt.Axis(labelAngle=0, labelFontSize=16)),
        y=alt.Y("visiteurs:Q", title="Visiteurs par semaine (total déclaré)", axis=alt.Axis(format="d")),
        tooltip=[alt.Tooltip("Vague:N", title="Vague"), alt.Tooltip("visiteurs:Q", title="Visiteurs / semaine"),
                 alt.Tooltip("repondants:Q", title="Lieux répondants")])
    labels = chart.mark_text(dy=-8, fontSize=16).encode(text="visiteurs:Q")
    st.altair_chart(chart + labels, width="stretch")
    st.caption("Chaque barre est la somme des visiteurs hebdomadaires déclarés par les lieux ayant répondu "
               "cette année-là ; le nombre de répondants peut changer d'une année à l'autre.")
    top = query(f"""
        select a.place_name as "Lieu", c.commune_name as "Commune", a.visitors_per_week as "Visiteurs / semaine",
               a.members as "Adhérents", round(a.visitors_per_week_change_pct, 1) as "Évolution sur un an (%)"
        from marts.fct_attendance_place a join marts.dim_commune c using (commune_code)
        where {where} and a.wave_year = ? order by a.visitors_per_week desc nulls last""",
                p + (int(last.wave_year),))
    st.dataframe(top, hide_index=True, width="stretch")
    footer("surveys")
