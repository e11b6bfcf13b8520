"""Page « Mobilités et opportunités » : trajets domicile-travail et communes où un tiers-lieu manque."""

from __future__ import annotations

import altair as alt
import streamlit as st

from dashboards.common import DISTANCE_CAVEAT, footer, header
from dashboards.data import query
from dashboards.formatting import FR_AXIS_LABEL, fr_labels, fr_number, fr_table
from dashboards.territory import commune_filter, params, select_territory


def render() -> None:
    header("Mobilités et opportunités")
    t = select_territory()
    where, p = commune_filter(t.level), params(t)
    tot = query(f"""
        select sum(m.active_residents) as actifs, sum(m.commuters_out_of_commune) as sortants,
               round(sum(m.long_commuters)) as longs, round(sum(m.unserved_long_commuters)) as sans_tl,
               any_value(m.long_commute_km) as km, any_value(m.census_year) as annee
        from marts.fct_commuting_commune m join marts.dim_commune c using (commune_code) where {where}""",
                p).iloc[0]
    c = st.columns(4)
    c[0].metric("Actifs résidents", fr_number(tot.actifs))
    c[1].metric("Travaillent hors de leur commune", fr_number(tot.sortants))
    c[2].metric(f"Font plus de {fr_number(tot.km)} km", fr_number(tot.longs))
    c[3].metric("Dont sans tiers-lieu proche", fr_number(tot.sans_tl))
    poles = query(f"""
        select m.main_pole_name as pole, sum(m.main_pole_workers) as actifs
        from marts.fct_commuting_commune m join marts.dim_commune c using (commune_code)
        where {where} and m.main_pole_name is not null group by all order by actifs desc limit 10""", p)
    if len(poles):
        st.subheader("Principaux pôles d'emploi de destination")
        poles = fr_labels(poles, "actifs")
        chart = alt.Chart(poles).mark_bar(color="#2ca02c").encode(
            y=alt.Y("pole:N", sort="-x", title=None, axis=alt.Axis(labelFontSize=15, labelLimit=300)),
            x=alt.X("actifs:Q", title="Actifs qui s'y rendent", axis=alt.Axis(labelExpr=FR_AXIS_LABEL)),
            tooltip=[alt.Tooltip("pole:N", title="Pôle"), alt.Tooltip("actifs_fr:N", title="Actifs")])
        chart = chart.properties(height=60 * len(poles) + 40)
        labels = chart.mark_text(align="left", dx=4, fontSize=15).encode(text="actifs_fr:N")
        st.altair_chart(chart + labels,
                        width="stretch")
    st.subheader("Opportunités : communes à fort besoin sans tiers-lieu proche")
    opp = query(f"""
        select c.commune_name as "Commune", c.epci_name as "EPCI", c.population as "Population",
               round(m.long_commuters)::bigint as "Actifs faisant de longs trajets",
               round(m.unserved_long_commuters)::bigint as "Dont sans tiers-lieu proche",
               round(m.nearest_tiers_lieu_km, 1) as "Tiers-lieu le plus proche (km)"
        from marts.fct_commuting_commune m join marts.dim_commune c using (commune_code)
        where {where} and m.unserved_long_commuters > 0
        order by m.unserved_long_commuters desc limit 20""", p)
    if opp.empty:
        st.info("Aucune commune repérée pour ce territoire.")
    else:
        st.dataframe(fr_table(opp), hide_index=True, placeholder="—", width="stretch")
    st.info(DISTANCE_CAVEAT)
    footer("mobpro_flows", "tierslieux_2019")
