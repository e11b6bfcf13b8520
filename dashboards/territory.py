"""Territory selection (région, département, EPCI, commune) kept in the URL, and the key figures of any
territory as the marts hold them (``marts.fct_summary_territory``, read by :mod:`dashboards.queries`).

A territory is a (level, code) pair; ``level`` is one of a fixed whitelist (never user text in SQL),
``code`` is always a bound parameter.
"""

from __future__ import annotations

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


def select_territory(allowed: tuple[str, ...] = ("region", "departement", "epci", "commune")) -> Territory:
    """Sidebar selector; the choice lives in the URL (?niveau=epci&code=...) so a link reopens the view."""
    qp = st.query_params
    level = qp.get("niveau")
    code = qp.get("code")
    if level not in allowed and level != "france":
        level, code = default_territory()
        if level not in allowed:
            level, code = allowed[0], None
    options = (["france"] if "france" not in allowed and len(allowed) == 4 else []) + list(allowed)
    labels = {"france": france_name(), **LEVELS}
    with st.sidebar:
        st.header("Territoire")
        level = st.selectbox("Échelon", options, index=options.index(level) if level in options else 0,
                             format_func=lambda v: labels[v], key=f"niveau_{'_'.join(allowed)}")
        if level != "france":
            names = _names(level)
            codes = names.code.astype(str).tolist()
            if not codes:
                st.warning("Aucun territoire de cet échelon dans les données.")
                st.stop()
            lookup = dict(zip(codes, names.name.astype(str)))
            code = st.selectbox(labels[level], codes, index=codes.index(code) if code in codes else 0,
                                format_func=lambda v: lookup.get(v, v), key=f"code_{level}")
        else:
            code = None
    new = {"niveau": level} | ({"code": code} if code else {})
    if dict(st.query_params) != new:
        st.query_params.clear()
        st.query_params.update(new)
    territory = resolve(level, code)
    if territory is None:
        st.warning("Territoire introuvable : choisissez-en un dans le menu de gauche.")
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
