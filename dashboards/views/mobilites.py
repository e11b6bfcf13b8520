"""Page « Mobilités et opportunités » : trajets domicile-travail et communes où un tiers-lieu manque."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from dashboards import maps, queries
from dashboards.common import DISTANCE_CAVEAT, footer, header
from dashboards.formatting import FR_AXIS_LABEL, fr_labels, fr_number, fr_table
from dashboards.territory import select_territory

NO_FLOWS = "aucune donnée de mobilité domicile-travail pour ce territoire"
# Beyond this many EPCI, the ranking shows the first ones only and counts the EPCI not scored.
MAX_EPCI_ROWS = 25


def extract_caveat(n_extract: int, n_communes: int, threshold) -> str:
    """Why the totals and shares are not given when the flows are an extract (stayers and small flows absent)."""
    seuil = (f"seuls les flux d'au moins {fr_number(threshold)} actifs entre deux communes sont publiés"
             if threshold is not None and not pd.isna(threshold) else "tous les flux ne sont pas publiés")
    part = ("" if n_extract == n_communes
            else f" (pour {fr_number(n_extract)} des {fr_number(n_communes)} communes du territoire)")
    return (f"Extrait des flux domicile-travail{part} : {seuil}, sans les actifs travaillant dans leur commune. "
            "Le nombre d'actifs résidents et les parts d'actifs travaillant hors de leur commune ne sont donc pas "
            "connus : les nombres affichés sont ceux des flux publiés, des minimums.")


def opportunity_table(t) -> None:
    """The opportunity ranking of the territory's EPCI, « non calculé » (with its reason) for the EPCI without
    commuting data, never a score of 0."""
    opp = queries.opportunity_ranking(t.level, t.code)
    st.subheader("Zones d'opportunité : classement des EPCI")
    if opp.empty:
        st.info("Aucun EPCI pour ce territoire.")
        return
    computed = opp[opp.score_status == "calcule"]
    missing = opp[opp.score_status != "calcule"]
    shown = opp if len(opp) <= MAX_EPCI_ROWS else computed.head(MAX_EPCI_ROWS)
    if len(shown):
        table = pd.DataFrame({
            "EPCI": shown.epci_name,
            "Rang": [f"{fr_number(r.opportunity_rank)} sur {fr_number(r.n_epci_ranked)}"
                     if r.score_status == "calcule" else "non calculé" for r in shown.itertuples()],
            "Score": [fr_number(r.opportunity_score, 1) if r.score_status == "calcule" else "non calculé"
                      for r in shown.itertuples()],
            "Actifs faisant de longs trajets": [fr_number(v) for v in shown.long_commuters],
            "Tiers-lieux": shown.n_tiers_lieux,
            "Zone d'opportunité": ["non calculé" if r.score_status != "calcule"
                                   else ("oui" if r.is_opportunity_zone else "non") for r in shown.itertuples()],
            "Remarque": shown.score_note.fillna(""),
        })
        st.dataframe(fr_table(table), hide_index=True, placeholder="—", width="stretch")
    if len(missing) and len(shown) < len(opp):
        st.info(f"{fr_number(len(missing))} EPCI du territoire sans score (non calculé) : aucune donnée de "
                "mobilité domicile-travail pour ces EPCI. Ils ne sont pas classés.")
    st.caption("Score : actifs faisant de longs trajets domicile-travail rapportés au nombre de tiers-lieux de "
               "l'EPCI (plus un). Rang parmi les EPCI dont le score est calculé ; un EPCI sans aucune donnée de "
               "mobilité domicile-travail n'a ni score ni rang (« non calculé »), ce n'est pas un score nul.")


def need_map(t) -> None:
    """The long commuters without a tiers-lieu nearby, on the territory's contours (communes, or EPCI for a
    large territory): where the need is."""
    unit, units, fallback = maps.units_of(t)
    drawn = units[units.geometry.notna() & units.opportunity.notna()] if unit != "departement" else units[:0]
    if drawn.empty:
        return
    cuts, labels = maps.classes(drawn.opportunity, 0)
    selected = queries.outline(t.level, t.code)
    box = maps.fitted_box(t, drawn, selected)
    layers = [maps.choropleth_layer(maps.polygons(drawn, "opportunity", 0, " actifs", cuts)),
              maps.outline_layer(None if selected is None else selected.geometry), maps.names_layer(drawn, box)]
    st.pydeck_chart(maps.deck(layers, box), height=maps.MAP_HEIGHT)
    st.markdown(maps.legend_html(cuts, labels, "Actifs faisant de longs trajets sans tiers-lieu proche, par "
                                 + ("commune" if unit == "commune" else "intercommunalité"), "non calculé"),
                unsafe_allow_html=True)


def render() -> None:
    header("Mobilités et opportunités")
    t = select_territory()
    tot = queries.commuting(t.level, t.code)
    if tot is None or not tot.n_communes_with_flows:
        st.info(f"Non calculé : {NO_FLOWS}. Les indicateurs de mobilité et le score d'opportunité ne sont pas "
                "calculés (ce ne sont pas des zéros).")
        opportunity_table(t)
        footer("mobpro_flows", "tierslieux_2019")
        return
    c = st.columns(4)
    if tot.n_communes_flows_extract:
        c[0].metric("Actifs dans les flux publiés", fr_number(tot.commuters_in_flows))
        c[1].metric("Dont vers une autre commune", fr_number(tot.commuters_out_of_commune))
        c[2].metric(f"Dont à plus de {fr_number(tot.long_commute_km)} km", fr_number(tot.long_commuters))
        c[3].metric("Dont sans tiers-lieu proche", fr_number(tot.unserved_long_commuters))
        st.warning(extract_caveat(int(tot.n_communes_flows_extract), int(tot.n_communes_with_flows),
                                  tot.flows_threshold_workers))
    else:
        c[0].metric("Actifs résidents", fr_number(tot.commuters_in_flows))
        c[1].metric("Travaillent hors de leur commune", fr_number(tot.commuters_out_of_commune))
        c[2].metric(f"Font plus de {fr_number(tot.long_commute_km)} km", fr_number(tot.long_commuters))
        c[3].metric("Dont sans tiers-lieu proche", fr_number(tot.unserved_long_commuters))
    year = "non indiquée par le fichier" if pd.isna(tot.census_year) else str(int(tot.census_year))
    st.caption(f"Base : flux domicile-travail du recensement de l'INSEE (année {year}), actifs occupés de "
               "15 ans ou plus ; distances à vol d'oiseau entre les centres des communes de résidence et de travail.")
    poles = queries.commuting_poles(t.level, t.code)
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
    opportunity_table(t)
    st.subheader("Opportunités : communes à fort besoin sans tiers-lieu proche")
    opp = queries.opportunity_communes(t.level, t.code, 20)[
        ["Commune", "EPCI", "Population", "Actifs faisant de longs trajets", "Dont sans tiers-lieu proche",
         "Tiers-lieu le plus proche (km)"]]
    if opp.empty:
        st.info("Aucune commune repérée pour ce territoire.")
    else:
        need_map(t)
        st.dataframe(fr_table(opp), hide_index=True, placeholder="—", width="stretch")
    st.info(DISTANCE_CAVEAT)
    footer("mobpro_flows", "tierslieux_2019")
