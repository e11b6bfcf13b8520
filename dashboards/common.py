"""Shared page furniture: title, fictional-data banner, sources line, distance caveat.

Sources are named to users by the label of their declaration (``marts.meta_sources.source_label``)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboards import queries

DISTANCE_CAVEAT = ("Les distances sont mesurées à vol d'oiseau depuis le centre de la commune : "
                   "c'est une approximation de l'accès, pas un temps de trajet.")

def header(title: str) -> pd.Series:
    meta = queries.publication()
    st.title(title)
    if meta.is_fictional:
        st.warning("Territoire d'exemple - données fictives : ces chiffres illustrent l'outil, "
                   "ils ne décrivent aucun territoire réel.")
    return meta


def sources() -> pd.DataFrame:
    return queries.sources()


def source_labels() -> dict[str, str]:
    """Source name -> what users read (the label of its declaration, ingest/sources/<source>.py)."""
    s = sources()
    return dict(zip(s.source_name, s.source_label))


def source_note(*names: str) -> str:
    """'INSEE, populations légales (fichier du 23/11/2026)' for the given sources."""
    s = sources()
    parts = []
    for label, rows in s[s.source_name.isin(names)].groupby("source_label", sort=False):
        dates = sorted({f"{pd.Timestamp(v):%d/%m/%Y}" for v in rows.fetched_at})
        files = rows.file_name.iloc[0] if len(rows) == 1 else f"{len(rows)} fichiers"
        parts.append(f"{label} ({files}, récupéré{'s' if len(rows) > 1 else ''} le {' et '.join(dates)})")
    return " ; ".join(parts) or "source non chargée"


def published_at(built_at) -> str:
    """'12/05/2026 à 14:03:27': when the publication was built (to the second, so two publications of
    the same minute can be told apart)."""
    return f"{pd.Timestamp(built_at):%d/%m/%Y à %H:%M:%S}"


def footer(*names: str) -> None:
    meta = queries.publication()
    st.caption(f"Sources : {source_note(*names)}. Données publiées le {published_at(meta.built_at)}.")
