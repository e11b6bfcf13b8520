"""Shared page furniture: title, fictional-data banner, sources line, distance caveat."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboards import queries

DISTANCE_CAVEAT = ("Les distances sont mesurées à vol d'oiseau depuis le centre de la commune : "
                   "c'est une approximation de l'accès, pas un temps de trajet.")

SOURCE_LABELS = {
    "cog_communes": "INSEE, code officiel géographique",
    "populations": "INSEE, populations légales",
    "communes_geo": "data.gouv.fr, communes de France",
    "tierslieux_2019": "ANCT, inventaire des tiers-lieux",
    "france_services": "ANCT, liste des France Services",
    "mobpro_flows": "INSEE, flux domicile-travail",
    "subventions": "Subventions publiées (SCDL)",
    "surveys": "Enquête de l'observatoire",
    "occupancy_counts": "Comptages de fréquentation",
    "communes_etalab": "Etalab, découpage administratif (communes)",
    "epci_etalab": "Etalab, découpage administratif (EPCI)",
    "departements_etalab": "Etalab, découpage administratif (départements)",
    "regions_etalab": "Etalab, découpage administratif (régions)",
    "grille_densite": "INSEE, grille communale de densité",
    "typologie_ruralite": "ANCT, typologie des ruralités",
    "programme_laureates": "ANCT, lauréats des programmes (Fabriques de territoire, Manufactures de proximité)",
    "conseillers_numeriques": "ANCT, structures accueillant des conseillers numériques",
    "epci_centroids": "ANCT, centres des EPCI",
    "mobpro_foreign_codes": "INSEE, codes des lieux de travail à l'étranger",
}


def header(title: str) -> pd.Series:
    meta = queries.publication()
    st.title(title)
    if meta.is_fictional:
        st.warning("Territoire d'exemple - données fictives : ces chiffres illustrent l'outil, "
                   "ils ne décrivent aucun territoire réel.")
    return meta


def sources() -> pd.DataFrame:
    return queries.sources()


def source_note(*names: str) -> str:
    """'INSEE, populations légales (fichier du 23/11/2026)' for the given sources."""
    s = sources()
    parts = []
    for r in s[s.source_name.isin(names)].itertuples():
        parts.append(f"{SOURCE_LABELS.get(r.source_name, r.source_name)} ({r.file_name}, "
                     f"récupéré le {pd.Timestamp(r.fetched_at):%d/%m/%Y})")
    return " ; ".join(parts) or "source non chargée"


def published_at(built_at) -> str:
    """'12/05/2026 à 14:03:27': when the publication was built (to the second, so two publications of
    the same minute can be told apart)."""
    return f"{pd.Timestamp(built_at):%d/%m/%Y à %H:%M:%S}"


def footer(*names: str) -> None:
    meta = queries.publication()
    st.caption(f"Sources : {source_note(*names)}. Données publiées le {published_at(meta.built_at)}.")
