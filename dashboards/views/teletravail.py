"""Page « Télétravail et implantations » : potentiel de télétravail, kilomètres et CO2 évités, communes où ouvrir
les prochains tiers-lieux.

The map draws the territory's contours (marts.dim_territory_geometry, as the Carte) and, at each commune's
centre, a circle sized by its potential users; the recommended communes on top.
"""

from __future__ import annotations

import pandas as pd
import pydeck as pdk
import streamlit as st

from dashboards import maps, queries
from dashboards.common import DISTANCE_CAVEAT, footer, header
from dashboards.formatting import fr_count, fr_number, fr_table
from dashboards.territory import select_territory

NO_DETAIL = ("le fichier détail des mobilités professionnelles de l'INSEE n'est pas chargé dans cette publication : "
             "le potentiel de télétravail et les implantations recommandées ne sont pas calculés")
NEAR_COLOR = [44, 160, 44]
FAR_COLOR = [214, 39, 40]
SITE_COLOR = [31, 119, 180]


def _number(x) -> float:
    return float(x) if x is not None and not pd.isna(x) else 0.0


def _map(t, communes: pd.DataFrame, sites: pd.DataFrame) -> None:
    """Communes at their centre (green: a tiers-lieu within the distance; red: none), sized by potential users;
    the recommended communes as blue rings."""
    if communes.empty:
        return
    biggest = max(1.0, communes.potential_users.max())
    data = communes.assign(
        radius=400 + 2600 * (communes.potential_users / biggest).pow(0.5),
        color=[NEAR_COLOR if near else FAR_COLOR for near in communes.has_tiers_lieu_within_access],
        label=communes.commune_name,
        detail=communes.potential_users.map(lambda v: fr_number(v)) + " usagers potentiels")
    layers = [pdk.Layer("ScatterplotLayer", data, get_position=["longitude", "latitude"], get_radius="radius",
                        get_fill_color="color", opacity=0.55, pickable=True)]
    if not sites.empty:
        layers.append(pdk.Layer("ScatterplotLayer", sites.assign(
            label="Implantation recommandée n° " + sites.site_rank.astype(str) + " : " + sites.commune_name,
            detail="+ " + sites.marginal_potential_users.map(lambda v: fr_number(v)) + " usagers desservis"),
            get_position=["longitude", "latitude"], get_radius=3500, stroked=True, filled=False,
            get_line_color=SITE_COLOR, line_width_min_pixels=3, pickable=True))
    _, units, _ = maps.units_of(t)
    drawn = units[units.geometry.notna()]
    selected = queries.outline(t.level, t.code)
    if len(drawn):   # the contours under the circles (grey: the colours are the circles')
        layers = [maps.choropleth_layer(maps.polygons(drawn, "population", 0, " habitants", [])),
                  maps.outline_layer(None if selected is None else selected.geometry), *layers]
        box = maps.fitted_box(t, drawn, selected)
    else:
        box = (communes.longitude.min(), communes.latitude.min(), communes.longitude.max(), communes.latitude.max())
    st.pydeck_chart(maps.deck(layers, box), height=maps.MAP_HEIGHT)
    st.caption("● vert : commune avec un tiers-lieu à moins de la distance choisie ; ● rouge : sans tiers-lieu "
               "proche ; taille : usagers potentiels ; ◯ bleu : implantation recommandée. Cercles au centre des "
               "communes, sur les contours du territoire.")


def render() -> None:
    header("Télétravail et implantations")
    t = select_territory()
    scenarios = queries.telework_scenarios()
    if scenarios.empty:
        st.info(f"Non calculé : {NO_DETAIL} (ce ne sont pas des zéros).")
        footer("mobpro_detail")
        return
    distances = sorted(float(d) for d in scenarios.access_km.unique())
    days_options = sorted(int(d) for d in scenarios.days_per_week.unique())
    sizes = queries.site_recommendation_sizes()
    c = st.columns(3)
    distance = c[0].select_slider("Tiers-lieu à moins de (km, à vol d'oiseau)", options=distances,
                                  value=10.0 if 10.0 in distances else distances[0], format_func=fr_number)
    days = c[1].select_slider("Jours par semaine au tiers-lieu", options=days_options, value=days_options[0])
    n_sites = (c[2].select_slider("Nouveaux tiers-lieux", options=sizes, value=sizes[min(2, len(sizes) - 1)])
               if sizes else None)

    row = queries.telework(t.level, t.code, distance, days)
    if row is None:
        st.info("Non calculé : aucun actif résidant dans ce territoire dans le fichier détail des mobilités.")
        footer("mobpro_detail", "tierslieux_2019")
        return
    m = st.columns(4)
    m[0].metric("Actifs résidents", fr_number(row.workers))
    m[1].metric("Dont télétravaillables", fr_number(row.teleworkable_workers))
    m[2].metric("Usagers potentiels d'un tiers-lieu", fr_number(row.potential_users))
    m[3].metric(f"Dont avec un tiers-lieu à moins de {fr_number(distance)} km", fr_number(row.potential_users_near_place))
    m = st.columns(3)
    m[0].metric("Sans tiers-lieu proche", fr_number(row.potential_users_without_place))
    m[1].metric("Kilomètres évités par an", fr_number(row.km_avoided_per_year))
    m[2].metric("CO2 évité par an (tonnes)", fr_number(row.co2_avoided_t_per_year, 1))
    st.caption(f"Usagers potentiels : actifs allant travailler en voiture à plus de {fr_number(row.min_commute_km)} km "
               "(à vol d'oiseau), comptés pour la part télétravaillable de leur catégorie socioprofessionnelle. "
               f"Scénario : {fr_count(days, 'jour')} par semaine au tiers-lieu le plus proche, {fr_number(row.weeks_per_year)} "
               f"semaines par an, pour les usagers ayant un tiers-lieu à moins de {fr_number(distance)} km. "
               f"Recensement {row.census_year}.")

    sites = queries.site_recommendation(distance, n_sites, days) if n_sites else pd.DataFrame()
    exact = sites[sites.algorithm == "exact"] if not sites.empty else sites
    greedy = sites[sites.algorithm == "glouton"] if not sites.empty else sites
    _map(t, queries.telework_communes(t.level, t.code, distance, days), exact)

    st.subheader("Où ouvrir les prochains tiers-lieux ?")
    if exact.empty:
        st.info("Implantations non calculées pour cette publication : elles le sont pour le territoire de "
                "l'observatoire quand il compte au plus quelques milliers de communes (une région), et quand des "
                "usagers potentiels n'ont pas de tiers-lieu proche.")
    else:
        first = exact.iloc[0]
        st.markdown(f"Territoire : **{first.scope_name}** ({fr_number(first.n_candidate_communes)} communes "
                    f"candidates). {fr_number(first.potential_users_unserved_before)} usagers potentiels n'ont pas de "
                    f"tiers-lieu à moins de {fr_number(distance)} km ; {fr_number(n_sites)} nouveaux lieux bien placés "
                    f"en desservent **{fr_number(first.potential_users_served)}**.")
        st.dataframe(fr_table(pd.DataFrame({
            "Rang": exact.site_rank, "Commune": exact.commune_name,
            "Usagers desservis en plus": [fr_number(v) for v in exact.marginal_potential_users],
            "Cumul": [fr_number(v) for v in exact.cumulative_potential_users],
            "Km évités par an": [fr_number(v) for v in exact.km_avoided_per_year],
            "CO2 évité par an (t)": [fr_number(v, 1) for v in exact.co2_avoided_t_per_year],
        })), hide_index=True, width="stretch")
        if not greedy.empty:
            gap = _number(greedy.iloc[0].share_gap_to_exact)
            st.caption("Solution exacte (optimum prouvé). Méthode gloutonne (chaque lieu ajouté dessert le plus "
                       "d'usagers encore non desservis) : " + ", ".join(greedy.commune_name) + " ; "
                       f"{fr_number(greedy.iloc[0].potential_users_served)} usagers desservis, soit un écart de "
                       f"{fr_number(100 * gap, 1)} % à l'optimum.")
        if t.level != "france":
            inside = set(queries.telework_communes(t.level, t.code, distance, days).commune_code)
            outside = [r.commune_name for r in exact.itertuples() if r.commune_code not in inside]
            if outside:
                st.caption("Hors du territoire sélectionné : " + ", ".join(outside) + " (la recommandation porte "
                           "sur tout le territoire de l'observatoire).")

    with st.expander("Méthode et sources"):
        st.markdown(
            "- **Actifs** : fichier détail « mobilités professionnelles » du recensement de l'INSEE (un individu "
            "pondéré par ligne : commune de résidence, commune de travail, mode de transport, catégorie "
            "socioprofessionnelle).\n"
            "- **Télétravaillables** : chaque actif compte pour la part de télétravail de sa catégorie "
            "socioprofessionnelle (Insee, enquête Emploi 2022 : 52 % des cadres, 19 % des professions "
            "intermédiaires, 9 % des employés, 0,2 % des ouvriers ; modifiable).\n"
            f"- **Usagers potentiels** : télétravaillables allant travailler en voiture à plus de "
            f"{fr_number(row.min_commute_km)} km de chez eux.\n"
            "- **Kilomètres et CO2 évités** : chaque jour au tiers-lieu évite un aller-retour (trajet moins "
            "distance au tiers-lieu) ; facteur d'émission de la voiture de l'ADEME (Base Carbone : 0,216 kg CO2e "
            "par km).\n"
            "- **Implantations** : les communes qui, ensemble, rapprochent d'un tiers-lieu le plus d'usagers "
            "potentiels qui n'en ont pas, les lieux existants desservant déjà leurs voisins (problème de couverture "
            "maximale, résolu exactement ; la méthode gloutonne est donnée pour comparaison).\n"
            f"- {DISTANCE_CAVEAT}")
    footer("mobpro_detail", "tierslieux_2019", "communes_geo")
