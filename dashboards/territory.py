"""Territory selection (région, département, EPCI, commune) kept in the URL, and the key figures of
any territory computed with parameterized queries over the marts.

A territory is a (level, code) pair; ``level`` picks a column of ``marts.dim_commune`` from a fixed
whitelist (never user text in SQL), ``code`` is always a bound parameter.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from dashboards.data import has_table, query
from dashboards.formatting import fr_number

LEVELS = {"region": "Région", "departement": "Département", "epci": "Intercommunalité (EPCI)",
          "commune": "Commune"}
LEVEL_COLUMNS = {"france": None, "region": "region_code", "departement": "departement_code",
                 "epci": "epci_code", "commune": "commune_code"}
ACCESS_KM = 10.0


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


def commune_filter(level: str, alias: str = "c") -> str:
    """SQL predicate on dim_commune (aliased ``alias``) for a level; binds one parameter unless France."""
    column = LEVEL_COLUMNS[level]
    return "true" if column is None else f"{alias}.{column} = ?"


def params(t: Territory) -> tuple:
    return () if t.level == "france" else (t.code,)


def _names(level: str) -> pd.DataFrame:
    """Codes and display names of every territory of a level (names fall back when unknown)."""
    if level == "commune":
        return query("select commune_code as code, commune_name || ' (' || commune_code || ')' as name "
                     "from marts.dim_commune order by commune_name, commune_code")
    if level == "epci":
        return query("select epci_code as code, coalesce(epci_name, 'EPCI ' || epci_code) as name "
                     "from marts.dim_epci order by name")
    column, gcol, nom, prefix = (("region_code", "reg_code", "reg_nom", "Région ") if level == "region"
                                 else ("departement_code", "dep_code", "dep_nom", "Département "))
    codes_only = (f"select distinct c.{column} as code, '{prefix}' || c.{column} as name "
                  f"from marts.dim_commune c where c.{column} is not null order by code")
    if not has_table("raw", "communes_geo"):
        return query(codes_only)
    try:
        return query(f"""
            with n as (select {gcol} as code, any_value({nom}) as nom from raw.communes_geo
                       where {nom} is not null group by all)
            select distinct c.{column} as code, coalesce(n.nom, '{prefix}' || c.{column}) as name
            from marts.dim_commune c left join n on n.code = c.{column}
            where c.{column} is not null order by code""")
    except Exception:  # raw.communes_geo without the expected columns: codes only
        return query(codes_only)


def default_territory() -> tuple[str, str | None]:
    """The observatory's own territory: its only département, else France."""
    deps = query("select distinct departement_code as d from marts.dim_commune where in_territory")
    if len(deps) == 1:
        return "departement", str(deps.d[0])
    return "france", None


def france_name() -> str:
    fictional = bool(query("select is_fictional from marts.meta_publication").is_fictional[0])
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
    col = LEVEL_COLUMNS[t.level]
    r = query(f"select any_value(region_code) as r from marts.dim_commune c where c.{col} = ?", (t.code,))
    return resolve("region", r.r[0]) if len(r) and r.r[0] is not None else None


def figures(t: Territory) -> dict:
    """Key figures of a territory, summed from the marts over its communes."""
    where = commune_filter(t.level)
    p = params(t)
    row = query(f"""
        with c as (select commune_code, population from marts.dim_commune c where {where}),
        pl as (select commune_code, count(*) filter (where place_type <> 'france_services') as n_tl,
                      count(*) filter (where place_type = 'france_services') as n_fs
               from marts.dim_place group by commune_code),
        w as (select max(wave_year) as w from marts.fct_attendance_place),
        att as (select commune_code, count(*) as n, sum(visitors_per_week) as v
                from marts.fct_attendance_place where wave_year = (select w from w) group by commune_code),
        gr as (select commune_code, sum(amount_eur) as amount, count(distinct place_id) as n
               from marts.fct_grants where place_id is not null group by commune_code)
        select
            count(*)                                                               as communes,
            sum(c.population)                                                      as population,
            coalesce(sum(pl.n_tl), 0)                                              as tiers_lieux,
            coalesce(sum(pl.n_fs), 0)                                              as france_services,
            (select w from w)                                                      as vague,
            coalesce(sum(att.n), 0)                                                as repondants,
            sum(att.v)                                                             as visiteurs_semaine,
            coalesce(sum(gr.amount), 0)                                            as financements,
            coalesce(sum(gr.n), 0)                                                 as lieux_finances
        from c left join pl using (commune_code)
        left join att using (commune_code)
        left join gr using (commune_code)
    """, p).iloc[0].to_dict()
    pop = row["population"] or 0
    row["tiers_lieux_10k"] = row["tiers_lieux"] * 10000 / pop if pop else None
    row["france_services_10k"] = row["france_services"] * 10000 / pop if pop else None
    row["financements_hab"] = row["financements"] / pop if pop else None
    share = access(t)
    row["part_10km"], row["part_10km_base"], row["part_10km_reason"] = share.share, share.base, share.reason
    return row


NO_CENTRE = "aucune commune du territoire n'a de centre connu"
ACCESS_TERRITORY_LEVELS = {"france": "national", "region": "region", "departement": "departement", "epci": "epci"}


@dataclass(frozen=True)
class Access:
    """Share of the population living within ``km`` of a tiers-lieu, and what it is computed on.

    Distances are measured from the commune centre, so only the communes with a known centre count:
    ``base`` is their share of the territory's population (1 when every commune has one). When none
    has, the share is not computed (``share`` None) and ``reason`` says why, in French."""
    share: float | None
    base: float | None
    reason: str | None = None


def access(t: Territory, km: float = ACCESS_KM) -> Access:
    """The access share of a territory with its base, read from marts.fct_access_territory (a commune:
    from marts.fct_access_commune_kind and the commune's centre in marts.dim_commune)."""
    if t.level == "commune":
        r = query("""
            select c.population, located::int as n_communes_with_coordinates,
                   case when located then c.population end               as population_with_coordinates,
                   case when located and c.population > 0 then coalesce(k.nearest_km <= ?, false)::int end
                                                                          as share_within
            from (select *, latitude is not null and longitude is not null as located from marts.dim_commune) c
            left join marts.fct_access_commune_kind k on k.commune_code = c.commune_code and k.kind = 'tiers_lieu'
            where c.commune_code = ?""", (km, t.code))
    else:
        r = query("""
            select population, n_communes_with_coordinates, population_with_coordinates, share_within
            from marts.fct_access_territory
            where territory_level = ? and territory_code = ? and kind = 'tiers_lieu' and distance_km = ?""",
                  (ACCESS_TERRITORY_LEVELS[t.level], t.code or "FR", km))
        if r.empty and query("select count(*) as n from marts.fct_access_territory where distance_km = ?",
                             (km,)).n[0] == 0:
            return Access(None, None, f"distance de {fr_number(km)} km non calculée dans cette publication")
    if r.empty or not r.n_communes_with_coordinates.fillna(0)[0]:  # the mart has no row for such a territory
        return Access(None, None, NO_CENTRE)
    pop, located, share = r.population[0], r.population_with_coordinates.fillna(0)[0], r.share_within[0]
    if not located:
        return Access(None, None, "les communes dont le centre est connu n'ont aucun habitant")
    return Access(float(share), float(located / pop) if pop and not pd.isna(pop) else None)


def access_note(share: float | None, base: float | None, reason: str | None) -> str | None:
    """What to show beside an access share: its base when it is not the whole population
    ('calculé sur 39,7 % de la population'), why it is not computed (shown as 'non calculé'), else None."""
    if reason:
        return reason
    if share is None or base is None or base >= 1:
        return None
    return f"calculé sur {fr_number(min(100 * base, 99.9), 1, ' %')} de la population"
