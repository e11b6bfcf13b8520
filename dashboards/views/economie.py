"""Page « Modèle économique et emplois » : ce que les lieux déclarent à l'enquête annuelle sur leurs recettes,
leurs financements, leurs emplois, leurs moyens, leur accessibilité et leur statut juridique (mart
``fct_economic_model_territory``). Chaque chiffre dit sa base : le nombre de lieux ayant répondu à la question."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from dashboards import queries
from dashboards.common import footer, header
from dashboards.formatting import FR_AXIS_LABEL, fr_count, fr_labels, fr_number, fr_table
from dashboards.territory import select_territory

ACTIVITIES = {"location": "Location d'espaces et de postes", "evenements": "Événements", "formation": "Formation",
              "services": "Prestations de services", "subventions": "Subventions"}
FUNDERS = {"etat": "État", "region": "Région", "departement": "Département", "epci": "Intercommunalité (EPCI)",
           "commune": "Commune", "europe": "Europe", "autre": "Autres financeurs publics"}
LEGAL_FORMS = {"association": "Association", "scic": "SCIC", "scop": "SCOP", "sas": "SAS", "sarl": "SARL",
               "entreprise_individuelle": "Entreprise individuelle", "collectivite": "Collectivité",
               "etablissement_public": "Établissement public", "autre": "Autre"}


def base(n, year: str) -> str:
    """« sur 12 lieux ayant répondu, enquête 2025 »."""
    return f"sur {fr_count(int(n or 0), 'lieu ayant répondu', 'lieux ayant répondu')}, enquête {year}"


def render() -> None:
    header("Modèle économique et emplois")
    t = select_territory()
    st.subheader(t.label)
    waves = queries.economic_model(t.level, t.code)
    answered = waves[waves.n_answers > 0]
    if answered.empty:
        st.info("Aucune réponse à l'enquête annuelle pour ce territoire.")
        footer("surveys")
        return
    last = waves[waves.is_latest_wave].iloc[0] if waves.is_latest_wave.any() else answered.iloc[-1]
    year = str(int(last.wave_year))
    if int(last.n_answers) == 0:
        st.info(f"Aucune réponse à l'enquête {year} pour ce territoire ; les vagues précédentes sont dans le "
                "tableau d'évolution ci-dessous.")
    st.caption(f"Chiffres déclarés par les lieux à l'enquête annuelle de l'observatoire ({year}) : "
               f"{fr_count(int(last.n_answers), 'lieu a répondu', 'lieux ont répondu')} dans ce territoire. "
               "Chaque chiffre porte sa base : les lieux ayant répondu à la question.")

    c = st.columns(4)
    c[0].metric("Chiffre d'affaires cumulé", fr_number(last.revenue_eur_sum, 0, " €"),
                help=f"Somme des chiffres d'affaires ou budgets annuels déclarés, {base(last.n_places_revenue, year)}.")
    c[0].caption(base(last.n_places_revenue, year))
    c[1].metric("Chiffre d'affaires médian", fr_number(last.revenue_eur_median, 0, " €"),
                help="La moitié des lieux répondants déclare moins, l'autre moitié plus.")
    c[1].caption(base(last.n_places_revenue, year))
    c[2].metric("Emplois salariés (ETP)", fr_number(last.staff_fte_sum, 1),
                help=f"Équivalents temps plein déclarés, {base(last.n_places_fte, year)}.")
    c[2].caption(base(last.n_places_fte, year))
    c[3].metric("Prix médian d'un poste par mois", fr_number(last.desk_price_month_eur_median, 0, " € HT"),
                help="Tarif public d'un poste de travail pour un mois, hors taxes.")
    c[3].caption(base(last.n_places_desk_price, year))

    c = st.columns(4)
    c[0].metric("Surface cumulée", fr_number(last.surface_m2_sum, 0, " m²"))
    c[0].caption(base(last.n_places_surface, year))
    c[1].metric("Postes de travail", fr_number(last.desks_sum))
    c[1].caption(base(last.n_places_desks, year))
    c[2].metric("Capacité d'accueil", fr_number(last.capacity_persons_sum, 0, " pers."),
                help="Personnes que les lieux peuvent accueillir en même temps.")
    c[2].caption(base(last.n_places_capacity, year))
    c[3].metric("Lieux accueillant un service public", fr_number(last.n_places_public_service),
                help="France Services, conseiller numérique ou espace public numérique parmi les services déclarés "
                     f"({fr_number(last.n_places_france_services)} avec un espace France Services).")
    c[3].caption(base(last.n_places_services, year))

    st.markdown(f"**Recettes par activité (enquête {year})**")
    if int(last.n_places_revenue_by_activity) == 0:
        st.caption("Aucun lieu du territoire n'a détaillé ses recettes par activité.")
    else:
        revenue = pd.DataFrame({"Activité": list(ACTIVITIES.values()),
                                "recettes": [last[f"revenue_{k}_eur"] for k in ACTIVITIES],
                                "part": [100 * (last[f"share_revenue_{k}"] or 0) for k in ACTIVITIES]})
        revenue = fr_labels(revenue, "part", 1, " %")
        bars = alt.Chart(revenue).mark_bar(color="#2a6f97").encode(
            y=alt.Y("Activité:N", sort=None, title=None, axis=alt.Axis(labelFontSize=15, labelLimit=320)),
            x=alt.X("part:Q", title="Part des recettes déclarées par activité (%)",
                    axis=alt.Axis(labelExpr=FR_AXIS_LABEL)),
            tooltip=[alt.Tooltip("Activité:N"), alt.Tooltip("part_fr:N", title="Part")]
        ).properties(height=46 * len(revenue))   # every activity's label readable on a projector
        st.altair_chart(bars + bars.mark_text(align="left", dx=4, fontSize=15).encode(text="part_fr:N"),
                        width="stretch")
        st.caption(f"Total des recettes détaillées : {fr_number(last.revenue_by_activity_eur, 0, ' €')}, "
                   f"{base(last.n_places_revenue_by_activity, year)}.")

    st.markdown(f"**Financements publics par financeur (enquête {year})**")
    if int(last.n_places_funding_mix) == 0:
        st.caption("Aucun lieu du territoire n'a détaillé ses financements par financeur.")
    else:
        funding = pd.DataFrame({"Financeur": list(FUNDERS.values()),
                                "Part des recettes (%)": [last[f"funding_share_{k}_pct"] for k in FUNDERS]})
        st.dataframe(fr_table(funding, {"Part des recettes (%)": 1}), hide_index=True, placeholder="—",
                     width="stretch")
        st.caption("Parts pondérées par le chiffre d'affaires : la part de l'argent des lieux qui vient de chaque "
                   f"financeur, {base(last.n_places_funding_mix, year)}. Part de financement public tous financeurs "
                   f"confondus : {fr_number(last.public_funding_share_pct, 1, ' %')}, "
                   f"{base(last.n_places_public_funding, year)}.")

    left, right = st.columns(2)
    with left:
        st.markdown(f"**Statut juridique (enquête {year})**")
        forms = pd.DataFrame({"Statut juridique": list(LEGAL_FORMS.values()),
                              "Lieux": [int(last[f"n_places_status_{k}"]) for k in LEGAL_FORMS]})
        st.dataframe(fr_table(forms[forms.Lieux > 0]), hide_index=True, placeholder="—", width="stretch")
        st.caption(base(last.n_places_legal_status, year).capitalize() + ".")
    with right:
        st.markdown(f"**Accessibilité aux personnes à mobilité réduite (enquête {year})**")
        n = int(last.n_places_accessibility)
        access = pd.DataFrame({"Accessibilité": ["Totale", "Partielle", "Non accessible"],
                               "Lieux": [int(last.n_places_pmr_accessible), int(last.n_places_pmr_partial),
                                         n - int(last.n_places_pmr_accessible) - int(last.n_places_pmr_partial)]})
        st.dataframe(fr_table(access), hide_index=True, placeholder="—", width="stretch")
        st.caption(base(n, year).capitalize() + ".")

    st.markdown("**D'une vague à l'autre**")
    trend = pd.DataFrame({
        "Vague": answered.wave_year.astype(int).astype(str), "Lieux répondants": answered.n_answers,
        "Chiffre d'affaires cumulé (€)": answered.revenue_eur_sum, "Lieux (chiffre d'affaires)": answered.n_places_revenue,
        "Emplois (ETP)": answered.staff_fte_sum, "Lieux (emplois)": answered.n_places_fte,
        "Prix médian d'un poste (€ HT / mois)": answered.desk_price_month_eur_median,
        "Lieux (prix)": answered.n_places_desk_price})
    st.dataframe(fr_table(trend, {"Emplois (ETP)": 1}, raw=("Vague",)), hide_index=True, placeholder="—",
                 width="stretch")
    st.caption("Les lieux répondants changent d'une vague à l'autre : comparer les totaux avec leur base.")
    footer("surveys")
