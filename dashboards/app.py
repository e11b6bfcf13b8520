"""Tableau de bord de l'observatoire des tiers-lieux (Streamlit). Every user-facing text is French.

    streamlit run dashboards/app.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dashboards.data import WarehouseUnavailable  # noqa: E402
from dashboards.views import synthese  # noqa: E402

st.set_page_config(page_title="Observatoire des tiers-lieux", page_icon="🏘️", layout="wide")

try:
    page = st.navigation([st.Page(synthese.render, title="Synthèse", icon="📊", url_path="synthese", default=True)])
    page.run()
except WarehouseUnavailable:
    st.info("Les données de l'observatoire sont en cours de préparation ou de mise à jour. "
            "Merci de réessayer dans quelques instants.")
