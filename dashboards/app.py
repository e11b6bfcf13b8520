"""Tableau de bord de l'observatoire des tiers-lieux (Streamlit). Every user-facing text is French.

    streamlit run dashboards/app.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dashboards import menu  # noqa: E402
from dashboards.data import WarehouseOutdated, WarehouseUnavailable  # noqa: E402
from dashboards.territory import url_params  # noqa: E402
from dashboards.views import (  # noqa: E402
    annuaire,
    carte,
    economie,
    fiche,
    financements,
    frequentation,
    methodologie,
    mobilites,
    synthese,
    teletravail,
)

st.set_page_config(page_title="Observatoire des tiers-lieux", page_icon=":material/hub:", layout="wide")
st.markdown("""<style>
[data-testid="stMetricValue"] { font-size: 2.4rem; }
[data-testid="stMainBlockContainer"] { padding-top: 2.5rem; }
@media print { [data-testid="stSidebar"], header, [data-testid="stToolbar"] { display: none !important; } }
</style>""", unsafe_allow_html=True)

# The menu: (page, title, icon, url path). Synthèse is the home page (served at "/"); "/synthese" also
# opens it, for links that name it.
MENU = [
    (synthese.render, "Synthèse", ":material/dashboard:", "accueil"),
    (carte.render, "Carte", ":material/map:", "carte"),
    (fiche.render, "Fiche territoire", ":material/description:", "fiche"),
    (frequentation.render, "Fréquentation", ":material/groups:", "frequentation"),
    (financements.render, "Financements", ":material/euro:", "financements"),
    (economie.render, "Modèle économique et emplois", ":material/work:", "economie"),
    (mobilites.render, "Mobilités et opportunités", ":material/commute:", "mobilites"),
    (teletravail.render, "Télétravail et implantations", ":material/home_work:", "teletravail"),
    (annuaire.render, "Annuaire", ":material/contacts:", "annuaire"),
    (methodologie.render, "Méthodologie et qualité", ":material/fact_check:", "methodologie"),
]
PAGES = [st.Page(render, title=title, icon=icon, url_path=path, default=(i == 0))
         for i, (render, title, icon, path) in enumerate(MENU)]
ALIASES = [st.Page(synthese.render, title="Synthèse", icon=":material/dashboard:", url_path="synthese")]

# Links go to "/synthese" rather than to the home page: a link to the home page keeps the current page's
# path in its address (opened in a new tab, it would open the current page).
menu.PAGES.clear()
menu.PAGES.update({path: page for (_, _, _, path), page in zip(MENU, PAGES)} | {"accueil": ALIASES[0]})

try:
    page = st.navigation(PAGES + ALIASES, position="hidden")
    with st.sidebar:   # the menu, keeping the territory chosen (dashboards/territory.py writes it in the URL)
        params = url_params()
        for _, title, icon, path in MENU:
            st.page_link(menu.PAGES[path], label=title, icon=icon, query_params=params)
        st.divider()
    page.run()
except WarehouseUnavailable:
    st.info("Les données de l'observatoire sont en cours de préparation ou de mise à jour. "
            "Merci de réessayer dans quelques instants.")
except WarehouseOutdated as exc:   # a publication of an earlier version of the project, read by this one
    st.error("Les données publiées ont été préparées par une version antérieure de l'observatoire : cette page "
             "ne peut pas les afficher. L'équipe de l'observatoire doit relancer une publication complète "
             "(« python -m orchestration.run »).")
    st.caption(f"Détail pour l'équipe : {exc}")
