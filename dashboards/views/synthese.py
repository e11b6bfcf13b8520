"""Page « Synthèse » : chiffres clés du territoire et carte des lieux."""

from __future__ import annotations

import math

import pandas as pd
import pydeck as pdk
import streamlit as st

from dashboards.data import query
from dashboards.formatting import fr_number

TYPE_LABELS = {
    "coworking": "Tiers-lieu à dominante coworking",
    "fablab": "Tiers-lieu à dominante fablab",
    "non_renseigne": "Tiers-lieu (type non renseigné)",
    "france_services": "France Services",
}
TYPE_COLORS = {
    "coworking": [31, 119, 180],
    "fablab": [255, 127, 14],
    "non_renseigne": [148, 103, 189],
    "france_services": [214, 39, 40],
}


def key_figures() -> dict:
    """The territory's key figures, straight from the marts."""
    f = query("""
        select
            (select count(*) from marts.dim_commune where in_territory)                       as communes,
            (select sum(population) from marts.dim_commune where in_territory)               as population,
            (select count(*) from marts.dim_epci where in_territory)                         as epci,
            (select sum(n_tiers_lieux) from marts.fct_coverage_epci where in_territory)      as tiers_lieux,
            (select sum(n_france_services) from marts.fct_coverage_epci where in_territory)  as france_services,
            (select count(*) from marts.fct_coverage_canton where in_territory)              as cantons,
            (select count(*) from marts.fct_coverage_canton
              where in_territory and not has_france_services)                                 as cantons_sans_fs,
            (select sum(a.population_within_tiers_lieu) / sum(a.population)
               from marts.fct_access_epci a join marts.dim_epci e using (epci_code)
              where e.in_territory and a.distance_km = ?)                                    as part_10km
    """, (10.0,)).iloc[0].to_dict()
    f["tiers_lieux_10k"] = f["tiers_lieux"] * 10000 / f["population"] if f["population"] else None
    wave = query("""
        select wave_year, sum(n_respondents) as repondants, sum(visitors_per_week) as visiteurs
        from marts.fct_attendance_epci a join marts.dim_epci e using (epci_code)
        where e.in_territory group by wave_year order by wave_year desc limit 1""")
    f["vague"] = int(wave.wave_year[0]) if len(wave) else None
    f["visiteurs_semaine"] = float(wave.visiteurs[0]) if len(wave) else None
    f["repondants"] = int(wave.repondants[0]) if len(wave) else None
    f["subventions"] = float(query("""
        select coalesce(sum(amount_to_places_eur), 0) as s from marts.fct_funding_epci f
        join marts.dim_epci e using (epci_code) where e.in_territory""").s[0])
    return f


def render() -> None:
    meta = query("select territory_name, is_fictional, built_at from marts.meta_publication").iloc[0]
    st.title(f"Observatoire des tiers-lieux — {meta.territory_name}")
    if meta.is_fictional:
        st.warning("Territoire d'exemple - données fictives : ces chiffres illustrent l'outil, "
                   "ils ne décrivent aucun territoire réel.")
    f = key_figures()

    st.subheader("Chiffres clés")
    c = st.columns(4)
    c[0].metric("Population", fr_number(f["population"]), help="Population municipale légale (INSEE).")
    c[1].metric("Communes", fr_number(f["communes"]), help=f"Regroupées en {f['epci']} intercommunalités (EPCI).")
    c[2].metric("Tiers-lieux", fr_number(f["tiers_lieux"]),
                help="Lieux de l'inventaire national des tiers-lieux placés dans une commune du territoire.")
    c[3].metric("Tiers-lieux pour 10 000 habitants", fr_number(f["tiers_lieux_10k"], 2))
    c = st.columns(4)
    c[0].metric("France Services", fr_number(f["france_services"]), help="Sites principaux et antennes.")
    c[1].metric("Cantons sans France Services", f"{fr_number(f['cantons_sans_fs'])} sur {fr_number(f['cantons'])}",
                help="L'objectif national est au moins une France Services par canton.")
    c[2].metric("Habitants à moins de 10 km d'un tiers-lieu",
                fr_number(100 * f["part_10km"], 1, " %") if f["part_10km"] is not None else "—",
                help="Distance à vol d'oiseau depuis le centre de la commune : "
                     "une approximation du temps de trajet, pas un temps de trajet.")
    c[3].metric(f"Visiteurs par semaine (enquête {f['vague'] or '—'})", fr_number(f["visiteurs_semaine"]),
                help=f"Somme déclarée par les {f['repondants'] or 0} lieux ayant répondu à l'enquête.")
    st.metric("Subventions publiées versées aux tiers-lieux", fr_number(f["subventions"], 0, " €"),
              help="Subventions publiées au format SCDL, rapprochées d'un tiers-lieu.")

    st.subheader("Carte des lieux")
    places = query("""
        select p.place_name, p.place_type, p.fs_type, p.commune_name, p.latitude, p.longitude
        from marts.dim_place p join marts.dim_commune c using (commune_code)
        where c.in_territory and p.latitude is not null""")
    communes = query("""
        select commune_name, population, latitude, longitude
        from marts.dim_commune where in_territory and latitude is not null""")
    render_map(places, communes)
    legend = " &nbsp; ".join(
        f"<span style='color:rgb({','.join(map(str, TYPE_COLORS[k]))})'>●</span> {label}"
        for k, label in TYPE_LABELS.items())
    st.markdown(legend + " &nbsp; <span style='color:#999'>●</span> Commune (taille selon la population)",
                unsafe_allow_html=True)

    sources = query("select source_name, file_name, fetched_at, rows_loaded from marts.meta_sources order by source_name")
    st.caption("Sources : " + " ; ".join(f"{r.file_name} (récupéré le {str(r.fetched_at)[:10]})"
                                         for r in sources.itertuples())
               + f". Entrepôt construit le {pd.Timestamp(meta.built_at):%d/%m/%Y à %H:%M}.")


def render_map(places: pd.DataFrame, communes: pd.DataFrame) -> None:
    places = places.assign(
        type_label=places.place_type.map(TYPE_LABELS),
        color=places.place_type.map(TYPE_COLORS),
        label=places.place_name,
    )
    communes = communes.assign(
        radius=(communes.population.clip(lower=1) ** 0.5) * 12,
        label=communes.commune_name,
        type_label="Commune : " + communes.population.map(lambda p: fr_number(p)) + " habitants",
    )
    lat_span = float(communes.latitude.max() - communes.latitude.min()) or 0.1
    lon_span = float(communes.longitude.max() - communes.longitude.min()) or 0.1
    zoom = min(12.0, math.log2(360 / max(lon_span, lat_span * 1.5)) + 0.4)
    view = pdk.ViewState(latitude=float(communes.latitude.mean()), longitude=float(communes.longitude.mean()),
                         zoom=zoom)
    layers = [
        pdk.Layer("ScatterplotLayer", communes, get_position=["longitude", "latitude"], get_radius="radius",
                  radius_min_pixels=2, get_fill_color=[150, 150, 150, 110], pickable=True),
        pdk.Layer("ScatterplotLayer", places, get_position=["longitude", "latitude"], get_radius=900,
                  radius_min_pixels=4, get_fill_color="color", get_line_color=[255, 255, 255],
                  line_width_min_pixels=1, stroked=True, pickable=True),
    ]
    st.pydeck_chart(pdk.Deck(layers=layers, initial_view_state=view, map_style=None,
                             tooltip={"text": "{label}\n{type_label}"}), height=560)
