"""The dashboard's pages by URL path, for links between pages (``st.page_link`` needs the page object).

``dashboards/app.py`` fills :data:`PAGES` at every run, before the page runs."""

from __future__ import annotations

from urllib.parse import urlencode

import streamlit as st

PAGES: dict[str, st.Page] = {}


def link(container, path: str, label: str, params: dict[str, str]) -> None:
    """A link to the page at ``path`` opening with ``params`` (the territory); a plain link when the page
    runs without the app's navigation (a page script on its own)."""
    if path in PAGES:
        container.page_link(PAGES[path], label=label, query_params=params)
    else:
        container.markdown(f"[{label}](/{path}?{urlencode(params)})")
