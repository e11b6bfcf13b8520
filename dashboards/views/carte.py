"""Page « Carte » : lieux par type, France Services, communes éloignées, flux vers les pôles d'emploi."""

from __future__ import annotations

import pydeck as pdk
import streamlit as st

from dashboards import maps, queries
from dashboards.common import DISTANCE_CAVEAT, footer, header
from dashboards.formatting import fr_count, fr_number
from dashboards.territory import ACCESS_KM, NO_CENTRE, access_note, select_territory

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
FLOW_COLOR = [44, 160, 44]


# What the map can colour the territory's units by: (label, column, decimals, suffix, unit levels).
INDICATORS = {
    "densite": ("Tiers-lieux pour 10 000 habitants", "tiers_lieux_per_10k", 2, "",
                ("commune", "epci", "departement")),
    "distance": ("Distance au tiers-lieu le plus proche (km, à vol d'oiseau)", "distance_km", 1, " km",
                 ("commune",)),
    "part": ("Part des habitants à moins de 10 km d'un tiers-lieu", "share_pct", 1, " %", ("epci", "departement")),
    "opportunite": ("Actifs faisant de longs trajets sans tiers-lieu proche", "opportunity", 0, "",
                    ("commune", "epci")),
}
UNIT_NAMES = {"commune": "commune", "epci": "intercommunalité", "departement": "département"}


def render() -> None:
    header("Carte")
    t = select_territory()
    unit, units, fallback = maps.units_of(t)
    units = units.assign(share_pct=100 * units.share_within)
    choices = [k for k, v in INDICATORS.items() if unit in v[4]]
    with st.sidebar:   # the controls beside the map, so that the map is high on the page (projectors)
        st.header("Carte")
        key = st.selectbox("Colorer la carte selon", choices, format_func=lambda k: INDICATORS[k][0],
                           key=f"indicateur_{unit}")
        show_flows = st.checkbox("Afficher les principaux flux domicile-travail", value=False)
    label, column, decimals, suffix, _ = INDICATORS[key]
    places = queries.map_places(t.level, t.code)
    drawn = units[units.geometry.notna()]
    if drawn.empty:
        st.info("Contours non disponibles pour ce territoire : la carte ne peut pas être dessinée "
                "(voir la page Méthodologie et la table marts.quality_commune_contours).")
    else:
        cuts, labels = maps.classes(drawn[column], decimals, suffix)
        layers = [maps.choropleth_layer(maps.polygons(drawn, column, decimals, suffix, cuts))]
        selected = queries.outline(t.level, t.code)
        line = maps.outline_layer(None if selected is None else selected.geometry)
        if line is not None:
            layers.append(line)
        flows = queries.map_flows(t.level, t.code) if show_flows else None
        if flows is not None and len(flows):
            layers.append(pdk.Layer("LineLayer", flows.assign(
                label=flows.commune_name + " → " + flows.main_pole_name,
                detail=flows.main_pole_workers.map(fr_number) + " actifs"),
                get_source_position=["longitude", "latitude"], get_target_position=["pole_lon", "pole_lat"],
                get_color=FLOW_COLOR + [140], get_width=3, pickable=True))
        few = len(places) <= 500   # beyond, small dots that leave the colours of the map visible
        layers.append(pdk.Layer("ScatterplotLayer", places.assign(
            label=places.place_name, detail=places.place_type.map(TYPE_LABELS) + " — " + places.commune_name,
            color=places.place_type.map(TYPE_COLORS)),
            get_position=["longitude", "latitude"], get_radius=600, radius_min_pixels=4 if few else 1.5,
            radius_max_pixels=9, get_fill_color="color", get_line_color=[255, 255, 255],
            line_width_min_pixels=1, stroked=few, pickable=True))
        box = maps.fitted_box(t, drawn, selected)
        names = maps.names_layer(drawn, box)
        if names is not None:
            layers.append(names)
        st.pydeck_chart(maps.deck(layers, box), height=maps.MAP_HEIGHT)
        st.markdown(maps.legend_html(cuts, labels, f"{label}, par {UNIT_NAMES[unit]}", "non calculé"),
                    unsafe_allow_html=True)
        if fallback:
            st.caption("Contours des communes non disponibles pour ce territoire : la carte montre les départements "
                       "de sa région.")
        dot = "<span style='color:rgb({})'>●</span> {}"
        items = [dot.format(",".join(map(str, TYPE_COLORS[k])), v) for k, v in TYPE_LABELS.items()]
        if flows is not None and len(flows):
            items.append(f"<span style='color:rgb({','.join(map(str, FLOW_COLOR))})'>━</span> "
                         f"Flux domicile-travail vers le pôle d'emploi principal ({fr_number(len(flows))} plus grands)")
        if line is not None:
            items.append(f"<b>━</b> Limite de {t.name}")
        st.markdown("**Lieux :** " + " &nbsp; ".join(items), unsafe_allow_html=True)
        missing = int(units.geometry.isna().sum())
        if missing:
            st.caption(f"{fr_count(missing, UNIT_NAMES[unit] + ' sans contour', UNIT_NAMES[unit] + 's sans contour')}"
                       f" (non dessiné{'' if unit == 'departement' else 'e'}{'s' if missing > 1 else ''}).")

    access = queries.access_by_distance(t.level, t.code)  # one row per distance computed
    distances = [int(d) if float(d).is_integer() else float(d) for d in access.distance_km]
    if not distances:
        st.info("Distances d'accès non calculées dans cette publication.")
    else:
        default = int(ACCESS_KM) if int(ACCESS_KM) in distances else distances[0]
        distance = st.select_slider("Distance d'accès (km, à vol d'oiseau)", options=distances, value=default)
        row = access[access.distance_km == distance].iloc[0]
        if row.access_status == "sans_centre":   # no commune with a centre: no distance, never "0 commune"
            st.info(f"Distances non calculées : {NO_CENTRE}.")
            st.info(DISTANCE_CAVEAT)
            footer("tierslieux_2019", "france_services", "communes_geo", "admin_contours", "mobpro_flows")
            return
        c = st.columns(3)
        c[0].metric("Lieux sur la carte", fr_number(len(places)))
        c[1].metric(f"Communes à plus de {distance} km d'un tiers-lieu", fr_number(row.n_communes_beyond))
        c[2].metric("Habitants de ces communes", fr_number(row.population_beyond))
        note = access_note(None if row.access_status != "calcule" else row.share_within,
                           row.share_population_base, None)  # its reasons concern the 10 km share only
        if note:
            c[2].caption(note)
    st.info(DISTANCE_CAVEAT)
    footer("tierslieux_2019", "france_services", "communes_geo", "admin_contours", "mobpro_flows")
