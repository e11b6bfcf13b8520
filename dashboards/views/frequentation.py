"""Page « Fréquentation » : enquête annuelle auprès des lieux, par vague, rapportée à la population et
comparée à la région et à la France (mart ``fct_attendance_territory``), et lieux répondants."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from dashboards import queries
from dashboards.common import footer, header
from dashboards.formatting import FR_AXIS_LABEL, fr_count, fr_labels, fr_number, fr_table
from dashboards.territory import select_territory

CATEGORY_LABELS = {"tous": "Tous les lieux", "coworking": "Coworking", "fablab_makerspace": "Fablab / makerspace",
                   "atelier_partage": "Atelier partagé", "culturel": "Culturel", "social": "Social",
                   "services_publics": "Services au public"}
CAPACITY_LABELS = {"declaree": "déclarée", "maximum_observe": "maximum observé"}


def pct(value) -> str:
    return fr_number(None if value is None or pd.isna(value) else 100 * value, 1, " %")


def render() -> None:
    header("Fréquentation")
    t = select_territory()
    st.subheader(t.label)
    waves = queries.attendance_waves(t.level, t.code)
    all_places = waves[waves.place_category == "tous"]
    if all_places.empty or not all_places.n_respondents.fillna(0).any():
        st.info("Aucune réponse à l'enquête annuelle pour ce territoire.")
        occupancy(t)
        footer("surveys", "populations", "occupancy_counts")
        return
    last = all_places.iloc[-1]
    year = str(int(last.wave_year))
    c = st.columns(4)
    c[0].metric(f"Visiteurs par semaine ({year})", fr_number(last.visitors_per_week),
                help=f"Somme des visiteurs hebdomadaires déclarés par les lieux répondants (enquête {year}).")
    c[1].metric("Visiteurs par semaine pour 1 000 hab.", fr_number(last.visitors_per_week_per_1000_inhabitants, 1))
    local = int(last.n_local_respondents or 0)
    c[2].metric("Lieux connus répondants", f"{fr_number(last.n_known_respondents)} sur {fr_number(last.n_known_places)}",
                help="Tiers-lieux connus du territoire (inventaire national) ayant répondu à l'enquête de cette année"
                     + (f" ; {fr_count(local, 'autre réponse', 'autres réponses')} de lieux recensés localement, comptées dans "
                        "les visiteurs mais pas dans le taux de réponse." if local else "."))
    c[3].metric("Taux de réponse", pct(last.response_rate))
    if pd.notna(last.panel_visitors_per_week_change_pct):
        st.caption(f"Évolution des visiteurs sur un an, à lieux constants ({fr_number(last.panel_n_places)} lieux "
                   f"ayant répondu aux deux vagues) : {fr_number(last.panel_visitors_per_week_change_pct, 1, ' %')}.")

    compare = [{"Territoire": t.name, "valeur": last.visitors_per_week_per_1000_inhabitants}]
    if t.level not in ("region", "france"):
        compare.append({"Territoire": "Sa région", "valeur": last.region_visitors_per_week_per_1000_inhabitants})
    if t.level != "france":
        compare.append({"Territoire": "France", "valeur": last.national_visitors_per_week_per_1000_inhabitants})
    compare = pd.DataFrame(compare).dropna()
    if len(compare) > 1:
        st.markdown("**Comparaison : visiteurs par semaine pour 1 000 habitants**")
        compare = fr_labels(compare, "valeur", 1)
        bars = alt.Chart(compare).mark_bar(color="#2a6f97").encode(
            y=alt.Y("Territoire:N", sort=None, title=None, axis=alt.Axis(labelFontSize=15, labelLimit=320)),
            x=alt.X("valeur:Q", title="Visiteurs par semaine pour 1 000 habitants",
                    axis=alt.Axis(labelExpr=FR_AXIS_LABEL)),
            tooltip=[alt.Tooltip("Territoire:N"), alt.Tooltip("valeur_fr:N", title="Pour 1 000 hab.")])
        st.altair_chart(bars + bars.mark_text(align="left", dx=4, fontSize=15).encode(text="valeur_fr:N"),
                        width="stretch")

    st.markdown("**Évolution d'une vague à l'autre**")
    trend = fr_labels(all_places.assign(Vague=all_places.wave_year.astype(int).astype(str)), "visitors_per_week")
    chart = alt.Chart(trend).mark_bar(color="#1f77b4").encode(
        x=alt.X("Vague:N", title="Année de l'enquête", axis=alt.Axis(labelAngle=0, labelFontSize=16)),
        y=alt.Y("visitors_per_week:Q", title="Visiteurs par semaine (total déclaré)",
                axis=alt.Axis(labelExpr=FR_AXIS_LABEL)),
        tooltip=[alt.Tooltip("Vague:N"), alt.Tooltip("visitors_per_week_fr:N", title="Visiteurs / semaine"),
                 alt.Tooltip("n_respondents:Q", title="Lieux répondants")])
    st.altair_chart(chart + chart.mark_text(dy=-8, fontSize=16).encode(text="visitors_per_week_fr:N"),
                    width="stretch")
    st.caption("Chaque barre est la somme des visiteurs hebdomadaires déclarés par les lieux ayant répondu "
               "cette année-là ; le nombre de répondants change d'une année à l'autre (voir le taux de réponse).")

    by_type = waves[(waves.wave_year == last.wave_year) & (waves.place_category != "tous")
                    & (waves.n_known_places > 0)]
    if not by_type.empty:
        st.markdown(f"**Par type de lieu (enquête {year})**")
        table = pd.DataFrame({
            "Type de lieu": by_type.place_category.map(lambda v: CATEGORY_LABELS.get(v, v)),
            "Lieux connus": by_type.n_known_places, "Répondants connus": by_type.n_known_respondents,
            "Taux de réponse (%)": 100 * by_type.response_rate, "Visiteurs / semaine": by_type.visitors_per_week,
            "Adhérents": by_type.members, "Postes de travail": by_type.desks})
        st.dataframe(fr_table(table, {"Taux de réponse (%)": 1}), hide_index=True, placeholder="—", width="stretch")

    top = queries.attendance_places(t.level, t.code, int(last.wave_year))
    st.markdown(f"**Lieux répondants (enquête {year})**")
    st.dataframe(fr_table(top, {"Évolution sur un an (%)": 1}), hide_index=True, placeholder="—", width="stretch")
    occupancy(t)
    footer("surveys", "populations", "occupancy_counts")


def occupancy(t) -> None:
    """Daily occupancy of the territory's sites whose counters are loaded (source ``occupancy_counts``)."""
    summary = queries.occupancy_sites(t.level, t.code)
    unlocated = queries.occupancy_unlocated() if t.level != "france" else 0
    if summary.empty:
        if unlocated:
            st.caption(f"Comptages : {fr_count(unlocated, 'site compté', 'sites comptés')} sans commune déclarée, "
                       f"{'montré' if unlocated < 2 else 'montrés'} seulement pour l'ensemble du territoire.")
        return
    st.subheader("Comptages : occupation quotidienne")
    if unlocated:
        st.caption(f"{fr_count(unlocated, 'autre site compté', 'autres sites comptés')} sans commune déclarée : "
                   f"{'montré' if unlocated < 2 else 'montrés'} seulement pour l'ensemble du territoire.")
    st.caption("Séries de comptage transmises par les lieux équipés d'un compteur (places disponibles relevées "
               "plusieurs fois par jour), ramenées à une valeur par jour : part moyenne des places occupées "
               "pendant les heures de relevé.")
    summary.insert(2, "Période", [f"du {a:%d/%m/%Y} au {b:%d/%m/%Y}" for a, b in zip(summary.debut, summary.fin)])
    summary["Capacité"] = summary.pop("capacity_method").map(CAPACITY_LABELS)
    st.dataframe(fr_table(summary.drop(columns=["debut", "fin"]), {"Occupation moyenne (%)": 1,
                                                                   "Pic d'occupation (%)": 1}),
                 hide_index=True, placeholder="—", width="stretch")
    daily = queries.occupancy_daily(t.level, t.code)
    daily = fr_labels(daily, "taux", 1, " %")
    chart = alt.Chart(daily).mark_line(point=True).encode(
        x=alt.X("Jour:T", title=None, axis=alt.Axis(format="%d/%m", labelFontSize=13)),
        y=alt.Y("taux:Q", title="Occupation moyenne du jour (%)", axis=alt.Axis(labelExpr=FR_AXIS_LABEL)),
        color=alt.Color("Site:N", legend=alt.Legend(orient="bottom", title=None, labelFontSize=14,
                                                     labelLimit=400)),
        tooltip=[alt.Tooltip("Site:N"), alt.Tooltip("Jour:T", format="%d/%m/%Y"),
                 alt.Tooltip("taux_fr:N", title="Occupation moyenne")])
    st.altair_chart(chart, width="stretch")
