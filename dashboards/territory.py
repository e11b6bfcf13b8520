"""Territory selection (région, département, EPCI, commune) kept in the URL, and the key figures of any
territory as the marts hold them (``marts.fct_summary_territory``, read by :mod:`dashboards.queries`).

A territory is a (level, code) pair; ``level`` is one of a fixed whitelist (never user text in SQL),
``code`` is always a bound parameter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from dashboards import queries
from dashboards.formatting import fr_number

LEVELS = {"region": "Région", "departement": "Département", "epci": "Intercommunalité (EPCI)",
          "commune": "Commune"}
ACCESS_KM = 10.0  # the headline access distance (fct_summary_territory.access_distance_km)


@dataclass(frozen=True)
class Territory:
    level: str  # france | region | departement | epci | commune
    code: str | None
    name: str

    @property
    def label(self) -> str:
        if self.level == "france":
            return self.name
        return f"{LEVELS[self.level]} : {self.name}"


def _names(level: str):
    """Codes and display names of every territory of a level."""
    return queries.territory_names(level)


def default_territory() -> tuple[str, str | None]:
    """The observatory's own territory: its only département, else France."""
    deps = queries.territory_departements()
    if len(deps) == 1:
        return "departement", deps[0]
    return "france", None


def france_name() -> str:
    fictional = bool(queries.publication().is_fictional)
    return "Ensemble du territoire d'exemple" if fictional else "France"


def resolve(level: str, code: str | None) -> Territory | None:
    if level == "france":
        return Territory("france", None, france_name())
    if level not in LEVELS or not code:
        return None
    names = _names(level)
    hit = names[names.code.astype(str) == str(code)]
    return Territory(level, str(code), str(hit.name.iloc[0])) if len(hit) else None


def _shown_code(code: str) -> str:
    """A code from the URL as it may be shown back: letters and digits only, 12 at most (never markup)."""
    return re.sub(r"[^0-9A-Za-z]", "", str(code))[:12] or "?"


def _requested(allowed: tuple[str, ...]) -> tuple[str | None, str | None, str | None]:
    """(level, code, problem) asked by the URL for a page showing the levels ``allowed``.

    A territory of a level the page does not show is replaced by the nearest one containing it (a commune's
    EPCI on a page of EPCI); an unknown level or code gives ``problem`` (French) and no code, so the selector
    stays on nothing rather than on another territory's figures."""
    qp = st.query_params
    level, code = qp.get("niveau"), qp.get("code")
    if level is None:
        level, code = default_territory()
        return (level, code, None) if level in allowed or level == "france" else (allowed[0], None, None)
    if level == "france":
        return level, None, None
    if level not in LEVELS:
        return allowed[0], None, "l'échelon demandé n'existe pas"
    if not code or resolve(level, code) is None:
        return level if level in allowed else allowed[0], None, (
            f"aucun territoire de l'échelon « {LEVELS[level]} » n'a le code « {_shown_code(code or '')} » "
            "dans les données publiées")
    if level in allowed:
        return level, str(code), None
    for parent, parent_code in queries.parents(level, code).items():
        if parent in allowed:
            return parent, parent_code, None
    return allowed[0], None, f"cette page ne présente pas l'échelon « {LEVELS[level]} »"


def _set_url(level: str, code: str | None) -> None:
    new = {"niveau": level} | ({"code": code} if code else {})
    if dict(st.query_params) != new:
        st.query_params.clear()
        st.query_params.update(new)


def _level_changed(key: str) -> None:
    """Another level chosen: keep the territory containing the current one (a commune's EPCI), else none."""
    level = st.session_state[key]
    before, code = st.query_params.get("niveau"), st.query_params.get("code")
    _set_url(level, queries.parents(before, code).get(level) if before and code else None)


def _code_changed(level: str, key: str) -> None:
    _set_url(level, st.session_state[key])


def url_params() -> dict[str, str]:
    """The territory of the URL, to keep it in the links to the other pages (nothing when unknown)."""
    level, code = st.query_params.get("niveau"), st.query_params.get("code")
    if level == "france" or (level in LEVELS and code and resolve(level, code) is not None):
        return {"niveau": level} | ({"code": code} if code else {})
    return {}


def select_territory(allowed: tuple[str, ...] = ("region", "departement", "epci", "commune")) -> Territory:
    """Sidebar selector; the choice lives in the URL (?niveau=epci&code=...) so a link reopens the view.

    The selectors write the URL when they change (callbacks run before the page), so the menu's links
    (dashboards/app.py) carry the territory just chosen."""
    level, code, problem = _requested(allowed)
    options = (["france"] if "france" not in allowed and len(allowed) == 4 else []) + list(allowed)
    labels = {"france": france_name(), **LEVELS}
    level_key = f"niveau_{'_'.join(allowed)}"
    with st.sidebar:
        st.header("Territoire")
        level = st.selectbox("Échelon", options, index=options.index(level) if level in options else 0,
                             format_func=lambda v: labels[v], key=level_key, on_change=_level_changed,
                             args=(level_key,))
        if level != "france":
            names = _names(level)
            codes = names.code.astype(str).tolist()
            if not codes:
                st.warning("Aucun territoire de cet échelon dans les données.")
                st.stop()
            lookup = dict(zip(codes, names.name.astype(str)))
            code_key = f"code_{level}"
            code = st.selectbox(labels[level], codes, index=codes.index(code) if code in codes else None,
                                format_func=lambda v: lookup.get(v, v), key=code_key,
                                placeholder="Choisir un territoire…", on_change=_code_changed,
                                args=(level, code_key))
        else:
            code = None
    territory = resolve(level, code)
    if territory is not None:
        _set_url(level, code)
    elif problem:
        st.warning(f"Territoire introuvable : {problem}. Choisissez un territoire dans le menu de gauche.")
        st.stop()
    else:
        st.info(f"Choisissez un territoire de l'échelon « {labels[level]} » dans le menu de gauche.")
        st.stop()
    return territory


def region_of(t: Territory) -> Territory | None:
    """The région containing the territory (None for France and a région itself)."""
    if t.level in ("france", "region"):
        return None
    row = queries.summary(t.level, t.code)
    region = None if row is None else _value(row.region_code)
    return resolve("region", region) if region is not None else None


NO_CENTRE = "aucune commune du territoire n'a de centre connu"
# Why an access share is not computed (fct_summary_territory.access_status), in French.
ACCESS_REASONS = {
    "sans_centre": NO_CENTRE,
    "sans_habitant": "les communes dont le centre est connu n'ont aucun habitant",
    "aucun_lieu": "aucun tiers-lieu dans les sources chargées",
    "distance_non_calculee": f"distance de {fr_number(ACCESS_KM)} km non calculée dans cette publication",
}


def _value(v):
    """A mart value, None when missing (null, NaN, NA)."""
    return None if v is None or pd.isna(v) else v


def figures(t: Territory) -> dict:
    """Key figures of a territory, as marts.fct_summary_territory holds them (the keys the pages use)."""
    r = queries.summary(t.level, t.code)
    if r is None:
        return {k: None for k in ("communes", "population", "tiers_lieux", "france_services", "vague", "repondants",
                                  "visiteurs_semaine", "financements", "lieux_finances", "tiers_lieux_10k",
                                  "france_services_10k", "financements_hab", "part_10km", "part_10km_base")} | {
            "part_10km_reason": NO_CENTRE}
    computed = r.access_status == "calcule"
    return {
        "communes": _value(r.n_communes), "population": _value(r.population),
        "tiers_lieux": _value(r.n_tiers_lieux), "france_services": _value(r.n_france_services),
        "vague": _value(r.wave_year), "repondants": _value(r.n_respondents),
        "visiteurs_semaine": _value(r.visitors_per_week),
        "financements": _value(r.amount_to_places_eur), "lieux_finances": _value(r.n_places_funded),
        "tiers_lieux_10k": _value(r.tiers_lieux_per_10k), "france_services_10k": _value(r.france_services_per_10k),
        "financements_hab": _value(r.amount_to_places_per_inhabitant_eur),
        "part_10km": _value(r.share_within_tiers_lieu) if computed else None,
        "part_10km_base": _value(r.share_population_base) if computed else None,
        "part_10km_reason": None if computed else ACCESS_REASONS.get(r.access_status, r.access_status),
    }


def access_note(share: float | None, base: float | None, reason: str | None) -> str | None:
    """What to show beside an access share: its base when it is not the whole population
    ('calculé sur 39,7 % de la population'), why it is not computed (shown as 'non calculé'), else None."""
    if reason:
        return reason
    if share is None or base is None or base >= 1:
        return None
    return f"calculé sur {fr_number(min(100 * base, 99.9), 1, ' %')} de la population"
