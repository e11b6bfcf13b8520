"""Tableau de bord de l'observatoire des tiers-lieux (Streamlit). Every user-facing text is French.

    streamlit run dashboards/app.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dashboards.data import WarehouseUnavailable  # noqa: E402
from dashboards.views import annuaire, carte, fiche, financements, frequentation, methodologie, mobilites, synthese  # noqa: E402

st.set_page_config(page_title="Observatoire des tiers-lieux", page_icon=":material/hub:", layout="wide")
st.markdown("""<style>
[data-testid="stMetricValue"] { font-size: 2.4rem; }
@media print { [data-testid="stSidebar"], header, [data-testid="stToolbar"] { display: none !important; } }
</style>""", unsafe_allow_html=True)

PAGES = [
    st.Page(synthese.render, title="Synthèse", icon=":material/dashboard:", url_path="synthese", default=True),
    st.Page(carte.render, title="Carte", icon=":material/map:", url_path="carte"),
    st.Page(fiche.render, title="Fiche territoire", icon=":material/description:", url_path="fiche"),
    st.Page(frequentation.render, title="Fréquentation", icon=":material/groups:", url_path="frequentation"),
    st.Page(financements.render, title="Financements", icon=":material/euro:", url_path="financements"),
    st.Page(mobilites.render, title="Mobilités et opportunités", icon=":material/commute:", url_path="mobilites"),
    st.Page(annuaire.render, title="Annuaire", icon=":material/contacts:", url_path="annuaire"),
    st.Page(methodologie.render, title="Méthodologie et qualité", icon=":material/fact_check:", url_path="methodologie"),
]

try:
    page = st.navigation(PAGES)
    page.run()
except WarehouseUnavailable:
    st.info("Les données de l'observatoire sont en cours de préparation ou de mise à jour. "
            "Merci de réessayer dans quelques instants.")
