"""Page « Carte » : lieux par type, France Services, communes éloignées, flux vers les pôles d'emploi."""

from __future__ import annotations

import math

import pydeck as pdk
import streamlit as st

from dashboards import queries
from dashboards.common import DISTANCE_CAVEAT, footer, header
from dashboards.formatting import fr_number
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
FAR_COLOR = [120, 120, 120]
FLOW_COLOR = [44, 160, 44]


def render() -> None:
    header("Carte")
    t = select_territory()
    access = queries.access_by_distance(t.level, t.code)  # one row per distance computed
    distances = [int(d) if float(d).is_integer() else float(d) for d in access.distance_km]
    if not distances:
        st.info("Distances d'accès non calculées dans cette publication.")
        return
    default = int(ACCESS_KM) if int(ACCESS_KM) in distances else distances[0]
    distance = st.select_slider("Distance d'accès (km, à vol d'oiseau)", options=distances, value=default)
    places = queries.map_places(t.level, t.code)
    communes = queries.map_communes(t.level, t.code)
    flows = queries.map_flows(t.level, t.code)
    if communes.empty:
        st.info(f"Carte et distances non calculées : {NO_CENTRE}.")
        return
    row = access[access.distance_km == distance].iloc[0]
    far = communes[communes.nearest_tiers_lieu_km.fillna(1e9) > distance]  # drawn on the map
    c = st.columns(3)
    c[0].metric("Lieux sur la carte", fr_number(len(places)))
    c[1].metric(f"Communes à plus de {distance} km d'un tiers-lieu", fr_number(row.n_communes_beyond))
    c[2].metric("Habitants de ces communes", fr_number(row.population_beyond))
    # only the communes with a known centre are on the map and counted
    note = access_note(None if row.access_status != "calcule" else row.share_within,
                       row.share_population_base, None)  # its reasons concern the 10 km share only
    if note:
        c[2].caption(note)

    layers = [pdk.Layer("ScatterplotLayer", communes.assign(
        label=communes.commune_name,
        detail=communes.population.map(fr_number) + " habitants"),
        get_position=["longitude", "latitude"], get_radius=400, radius_min_pixels=2,
        get_fill_color=[200, 200, 200, 120], pickable=True)]
    if len(far):
        layers.append(pdk.Layer("ScatterplotLayer", far.assign(
            label=far.commune_name,
            detail="Tiers-lieu le plus proche : " + far.nearest_tiers_lieu_km.map(lambda v: fr_number(v, 1)) + " km"),
            get_position=["longitude", "latitude"], get_radius=1500, radius_min_pixels=5,
            get_fill_color=FAR_COLOR + [170], pickable=True))
    if len(flows):
        layers.append(pdk.Layer("LineLayer", flows.assign(
            label=flows.commune_name + " → " + flows.main_pole_name,
            detail=flows.main_pole_workers.map(fr_number) + " actifs"),
            get_source_position=["longitude", "latitude"], get_target_position=["pole_lon", "pole_lat"],
            get_color=FLOW_COLOR + [110], get_width=3, pickable=True))
    layers.append(pdk.Layer("ScatterplotLayer", places.assign(
        label=places.place_name, detail=places.place_type.map(TYPE_LABELS) + " — " + places.commune_name,
        color=places.place_type.map(TYPE_COLORS)),
        get_position=["longitude", "latitude"], get_radius=900, radius_min_pixels=5, get_fill_color="color",
        get_line_color=[255, 255, 255], line_width_min_pixels=1, stroked=True, pickable=True))
    lat_span = float(communes.latitude.max() - communes.latitude.min()) or 0.1
    lon_span = float(communes.longitude.max() - communes.longitude.min()) or 0.1
    zoom = min(12.0, math.log2(360 / max(lon_span, lat_span * 1.5)) + 0.4)
    view = pdk.ViewState(latitude=float(communes.latitude.mean()), longitude=float(communes.longitude.mean()),
                         zoom=zoom)
    st.pydeck_chart(pdk.Deck(layers=layers, initial_view_state=view, map_style=None,
                             tooltip={"text": "{label}\n{detail}"}), height=560)
    dot = "<span style='color:rgb({})'>●</span> {}"
    items = [dot.format(",".join(map(str, TYPE_COLORS[k])), v) for k, v in TYPE_LABELS.items()]
    items.append(dot.format(",".join(map(str, FAR_COLOR)), f"Commune à plus de {distance} km d'un tiers-lieu"))
    items.append(f"<span style='color:rgb({','.join(map(str, FLOW_COLOR))})'>━</span> "
                 "Flux domicile-travail vers le pôle d'emploi principal (40 plus grands)")
    st.markdown("**Légende :** " + " &nbsp; ".join(items), unsafe_allow_html=True)
    st.info(DISTANCE_CAVEAT)
    footer("tierslieux_2019", "france_services", "communes_geo", "mobpro_flows")
