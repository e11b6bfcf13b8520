"""Every query of the dashboard, on the marts of the published warehouse (schema ``marts``) and its run journal
(schema ``ops``, written by the refresh job: not a dbt model).

The pages call these functions and lay the results out; they hold no SQL. Every figure a page shows is a
column of a mart documented in dbt_project/models/marts/*.yml: the queries here only pick the rows of the
selected territory, order and limit them, round them for display and name them in French. The marts read
here, and the run journal, are exactly the ``depends_on`` of the dbt exposure ``tableau_de_bord``
(tests/test_dashboard_queries.py).

A territory is a ``(level, code)`` pair, ``level`` one of france, region, departement, epci, commune. The
level picks a column of ``marts.dim_commune`` or a ``territory_level`` of the per-territory marts from a
fixed whitelist (never user text in SQL); ``code`` is always a bound parameter.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from dashboards.data import query

# Column of marts.dim_commune (and marts.dim_place) holding the code of each level.
LEVEL_COLUMNS = {"france": None, "region": "region_code", "departement": "departement_code",
                 "epci": "epci_code", "commune": "commune_code"}
# territory_level of the per-territory marts for each level of the dashboard.
MART_LEVELS = {"france": "national", "region": "region", "departement": "departement", "epci": "epci",
               "commune": "commune"}
# Services of a place (the Annuaire's filters): boolean column of marts.dim_place.
SERVICE_COLUMNS = {"france_services": "offers_france_services", "conseiller_numerique": "hosts_conseiller_numerique",
                   "fabrique_territoire": "is_fabrique_territoire",
                   "manufacture_proximite": "is_manufacture_proximite"}


def _filter(level: str, code: str | None, alias: str = "c") -> tuple[str, tuple]:
    """SQL predicate on marts.dim_commune (aliased ``alias``) selecting a territory, and its parameters."""
    column = LEVEL_COLUMNS[level]
    return ("true", ()) if column is None else (f"{alias}.{column} = ?", (code,))


def _territory(level: str, code: str | None) -> tuple[str, str]:
    """(territory_level, territory_code) of the per-territory marts."""
    return MART_LEVELS[level], "FR" if level == "france" else str(code)


def _row(df: pd.DataFrame) -> pd.Series | None:
    return None if df.empty else df.iloc[0]


# --- publication and sources -------------------------------------------------------------------------

def publication() -> pd.Series:
    """The publication: territory name, fictional or not, when it was built."""
    return query("select territory_name, is_fictional, built_at from marts.meta_publication").iloc[0]


def sources() -> pd.DataFrame:
    """Every source loaded, with its label, file, vintage, retrieval date, row counts, corrections and warnings."""
    return query("select source_name, source_label, file_name, vintage, fetched_at, rows_read, rows_loaded, rows_rejected, "
                 "n_corrections, stale, warnings from marts.meta_sources order by source_name")


# --- territories ----------------------------------------------------------------------------------------

def territory_names(level: str) -> pd.DataFrame:
    """Codes and display names of every territory of a level (names fall back on the code when unknown)."""
    if level == "commune":
        return query("select territory_code as code, territory_name || ' (' || territory_code || ')' as name "
                     "from marts.dim_territory where territory_level = 'commune' "
                     "order by territory_name, territory_code")
    prefix = {"epci": "EPCI ", "departement": "Département ", "region": "Région "}[level]
    order = "name" if level == "epci" else "code"
    return query(f"""
        select territory_code as code, coalesce(territory_name, '{prefix}' || territory_code) as name
        from marts.dim_territory where territory_level = ? order by {order}, code""", (MART_LEVELS[level],))


def territory_departements() -> list[str]:
    """The départements of the observatory's own territory."""
    return query("select territory_code as d from marts.dim_territory "
                 "where territory_level = 'departement' and in_territory order by d").d.astype(str).tolist()


def parents(level: str, code: str | None) -> dict[str, str]:
    """The codes of the territories containing a commune, an EPCI or a département (marts.dim_commune):
    {'epci': ..., 'departement': ..., 'region': ...}; empty for an unknown territory. An EPCI spanning
    several départements gets the département of most of its communes."""
    wanted = {"commune": ["epci", "departement", "region"], "epci": ["departement", "region"],
              "departement": ["region"]}.get(level, [])
    if not wanted or not code:
        return {}
    cols = ", ".join(f"mode({LEVEL_COLUMNS[lv]}) as {lv}" for lv in wanted)
    row = _row(query(f"select {cols} from marts.dim_commune where {LEVEL_COLUMNS[level]} = ? "
                     f"having count(*) > 0", (code,)))
    return {} if row is None else {lv: str(row[lv]) for lv in wanted if row[lv] is not None and not pd.isna(row[lv])}


def summary(level: str, code: str | None) -> pd.Series | None:
    """The key figures of a territory (marts.fct_summary_territory), None for an unknown territory."""
    return _row(query("select * from marts.fct_summary_territory where territory_level = ? and territory_code = ?",
                      _territory(level, code)))


# --- map ----------------------------------------------------------------------------------------------------

def access_by_distance(level: str, code: str | None) -> pd.DataFrame:
    """Access to a tiers-lieu of a territory at every distance computed (marts.fct_access_tiers_lieu_territory)."""
    return query("""
        select distance_km, n_communes_beyond, population_beyond, share_within, share_population_base,
               access_status
        from marts.fct_access_tiers_lieu_territory
        where territory_level = ? and territory_code = ? order by distance_km""", _territory(level, code))


def map_places(level: str, code: str | None) -> pd.DataFrame:
    where, p = _filter(level, code)
    return query(f"""
        select p.place_name, p.place_type, p.commune_name, p.latitude, p.longitude
        from marts.dim_place p join marts.dim_commune c using (commune_code)
        where {where} and p.latitude is not null""", p)


def map_communes(level: str, code: str | None) -> pd.DataFrame:
    """The territory's communes with a known centre and their distance to the nearest tiers-lieu."""
    where, p = _filter(level, code)
    return query(f"""
        select c.commune_name, c.population, c.latitude, c.longitude, a.nearest_tiers_lieu_km
        from marts.dim_commune c left join marts.fct_access_commune a using (commune_code)
        where {where} and c.latitude is not null""", p)


# The units a map of a territory is drawn with (its communes, or coarser units for a large territory) and the
# column of marts.dim_commune naming them.
UNIT_COLUMNS = {"commune": "commune_code", "epci": "epci_code", "departement": "departement_code"}


def map_units(level: str, code: str | None, unit: str) -> pd.DataFrame:
    """The units (communes, EPCI or départements) of a territory with their outline (marts.dim_territory_geometry,
    GeoJSON text) and what the map can colour them by: tiers-lieux per 10,000 inhabitants, the distance to the
    nearest tiers-lieu (communes) or the share of inhabitants within 10 km (EPCI, départements), the long
    commuters without a tiers-lieu nearby (communes, EPCI)."""
    where, p = _filter(level, code)
    column = UNIT_COLUMNS[unit]
    figures = {
        "commune": ("a.nearest_tiers_lieu_km", "null::double", "m.unserved_long_commuters",
                    "left join marts.fct_access_commune a on a.commune_code = u.code "
                    "left join marts.fct_commuting_commune m on m.commune_code = u.code"),
        "epci": ("null::double", "s.share_within_tiers_lieu", "o.unserved_long_commuters",
                 "left join marts.fct_opportunity_epci o on o.epci_code = u.code"),
        "departement": ("null::double", "s.share_within_tiers_lieu", "null::double", ""),
    }
    distance, share, opportunity, joins = figures[unit]
    return query(f"""
        with units as (select distinct c.{column} as code from marts.dim_commune c
                       where {where} and c.{column} is not null)
        select g.territory_code as code, g.territory_name as name, g.geometry_geojson as geometry,
               g.geometry_method, s.population, s.n_tiers_lieux, s.tiers_lieux_per_10k,
               {distance} as distance_km, {share} as share_within, {opportunity} as opportunity
        from units u
        join marts.dim_territory_geometry g on g.territory_level = ? and g.territory_code = u.code
        left join marts.fct_summary_territory s on s.territory_level = g.territory_level
                                               and s.territory_code = g.territory_code
        {joins}
        order by g.territory_code""", p + (unit,))


def outline(level: str, code: str | None) -> pd.Series | None:
    """The outline of a territory (marts.dim_territory_geometry), None for France or a territory without one."""
    if level == "france":
        return None
    return _row(query("""select territory_name as name, geometry_geojson as geometry, geometry_method
                         from marts.dim_territory_geometry where territory_level = ? and territory_code = ?""",
                      (MART_LEVELS[level], str(code))))


def map_flows(level: str, code: str | None, limit: int = 40) -> pd.DataFrame:
    """The largest flows from the territory's communes to their main employment pole."""
    where, p = _filter(level, code)
    return query(f"""
        select c.commune_name, c.latitude, c.longitude, m.main_pole_name, m.main_pole_workers,
               pc.latitude as pole_lat, pc.longitude as pole_lon
        from marts.fct_commuting_commune m join marts.dim_commune c using (commune_code)
        join marts.dim_commune pc on pc.commune_code = m.main_pole_code
        where {where} and m.main_pole_workers > 0 and c.latitude is not null and pc.latitude is not null
        order by m.main_pole_workers desc limit {int(limit)}""", p)


# --- EPCI: similar EPCI and opportunities ------------------------------------------------------------------

def similar_epci(code: str) -> pd.DataFrame:
    """The EPCI most similar to an EPCI (marts.fct_similar_epci), most similar first, with their figures
    (marts.fct_summary_territory)."""
    return query("""
        select s.similar_epci_code as epci_code, s.similar_epci_name as epci_name, s.population, t.n_tiers_lieux,
               round(t.tiers_lieux_per_10k, 2) as tiers_lieux_per_10k, t.n_france_services,
               round(100 * t.share_within_tiers_lieu, 1) as share_within_tiers_lieu,
               round(100 * t.share_population_base, 1) as access_base
        from marts.fct_similar_epci s
        left join marts.fct_summary_territory t on t.territory_level = 'epci' and t.territory_code = s.similar_epci_code
        where s.epci_code = ? order by s.similarity_rank""", (code,))


def neighbours(level: str, code: str | None) -> pd.DataFrame:
    """The territories of the same level touching a territory (marts.fct_territory_neighbours), with their key
    figures (marts.fct_summary_territory), the most populated first."""
    if level == "france":
        return pd.DataFrame()
    return query("""
        select n.neighbour_code as code, n.neighbour_name as name, s.population, s.n_tiers_lieux,
               s.tiers_lieux_per_10k, s.n_france_services, 100 * s.share_within_tiers_lieu as share_within_pct
        from marts.fct_territory_neighbours n
        left join marts.fct_summary_territory s on s.territory_level = n.territory_level
                                               and s.territory_code = n.neighbour_code
        where n.territory_level = ? and n.territory_code = ?
        order by s.population desc nulls last, n.neighbour_code""", (MART_LEVELS[level], str(code)))


def opportunity_epci(code: str) -> pd.Series | None:
    """The EPCI's row of the opportunity ranking (with the number of EPCI ranked), or None."""
    return _row(query("""
        select opportunity_rank, is_opportunity_zone, long_commuters, long_commute_km, method,
               score_status, score_note, n_epci_ranked as n_epci
        from marts.fct_opportunity_epci where epci_code = ?""", (code,)))


def opportunity_ranking(level: str, code: str | None) -> pd.DataFrame:
    """The opportunity ranking of the EPCI having a commune in the territory."""
    where, p = _filter(level, code)
    return query(f"""
        with e as (select distinct c.epci_code from marts.dim_commune c where {where} and c.epci_code is not null)
        select o.epci_name, o.score_status, o.opportunity_rank, o.n_epci_ranked, o.opportunity_score,
               o.long_commuters, o.n_tiers_lieux, o.is_opportunity_zone, o.score_note
        from marts.fct_opportunity_epci o join e using (epci_code)
        order by o.score_status, o.opportunity_rank, o.epci_name""", p)


def opportunity_communes(level: str, code: str | None, limit: int) -> pd.DataFrame:
    """The territory's communes with long commuters and no tiers-lieu nearby, the most such commuters first."""
    where, p = _filter(level, code)
    return query(f"""
        select c.commune_name as "Commune", c.epci_name as "EPCI", c.population as "Population",
               round(m.nearest_tiers_lieu_km, 1) as "Tiers-lieu le plus proche (km)",
               round(m.long_commuters)::bigint as "Actifs faisant de longs trajets",
               round(m.unserved_long_commuters)::bigint as "Dont sans tiers-lieu proche"
        from marts.fct_commuting_commune m join marts.dim_commune c using (commune_code)
        where {where} and m.unserved_long_commuters > 0
        order by m.unserved_long_commuters desc limit {int(limit)}""", p)


# --- commuting ------------------------------------------------------------------------------------------------

def commuting(level: str, code: str | None) -> pd.Series | None:
    """The commuting figures of a territory (marts.fct_commuting_territory)."""
    return _row(query("""
        select n_communes_with_flows, n_communes_flows_extract, flows_threshold_workers, commuters_in_flows,
               commuters_out_of_commune, round(long_commuters) as long_commuters,
               round(unserved_long_commuters) as unserved_long_commuters, long_commute_km, census_year
        from marts.fct_commuting_territory where territory_level = ? and territory_code = ?""",
                      _territory(level, code)))


def commuting_poles(level: str, code: str | None, limit: int = 10) -> pd.DataFrame:
    """The main destination employment poles of the territory's workers, the largest first."""
    return query(f"""
        select main_pole_name as pole, main_pole_workers as actifs
        from marts.fct_commuting_pole_territory where territory_level = ? and territory_code = ?
        order by main_pole_workers desc, main_pole_name limit {int(limit)}""", _territory(level, code))


# --- places through time ----------------------------------------------------------------------------------------

def offer_by_year(level: str, code: str | None) -> pd.DataFrame:
    """The territory's places open, in project and closed per year of observation, with the base of the figures
    (marts.fct_offer_territory_year), the oldest year first."""
    return query("""
        select observation_year, n_places, n_open, n_project, n_closed, n_status_unknown, n_opened, n_closed_in_year,
               share_open, share_project, open_places_change, n_status_from_survey, status_base_fr
        from marts.fct_offer_territory_year
        where territory_level = ? and territory_code = ?
        order by observation_year""", _territory(level, code))


# --- attendance --------------------------------------------------------------------------------------------------

def attendance_waves(level: str, code: str | None) -> pd.DataFrame:
    """Every wave of the territory's attendance figures, all categories (marts.fct_attendance_territory)."""
    return query("""
        select wave_year, place_category, n_known_places, n_respondents, n_known_respondents, n_local_respondents,
               response_rate, visitors_per_week,
               visitors_per_week_per_1000_inhabitants, members, members_per_1000_inhabitants, desks,
               panel_n_places, panel_visitors_per_week_change_pct,
               region_visitors_per_week_per_1000_inhabitants, national_visitors_per_week_per_1000_inhabitants,
               region_response_rate, national_response_rate
        from marts.fct_attendance_territory
        where territory_level = ? and territory_code = ?
        order by wave_year, place_category""", _territory(level, code))


def attendance_places(level: str, code: str | None, wave_year: int) -> pd.DataFrame:
    """The places of the territory that answered a wave, the most visited first."""
    where, p = _filter(level, code, "c")
    return query(f"""
        select a.place_name as "Lieu", c.commune_name as "Commune", a.visitors_per_week as "Visiteurs / semaine",
               a.members as "Adhérents", a.desks as "Postes de travail",
               round(a.visitors_per_week_change_pct, 1) as "Évolution sur un an (%)"
        from marts.fct_attendance_place a join marts.dim_commune c using (commune_code)
        where {where} and a.wave_year = ? order by a.visitors_per_week desc nulls last""", p + (int(wave_year),))


# --- economic model and jobs -------------------------------------------------------------------------------------

def economic_model(level: str, code: str | None) -> pd.DataFrame:
    """Every wave of the territory's economic model, jobs and legal forms (marts.fct_economic_model_territory),
    each figure with its base (n_places_*)."""
    return query("""
        select * exclude (territory_level, territory_code, departement_code, region_code, in_territory)
        from marts.fct_economic_model_territory
        where territory_level = ? and territory_code = ?
        order by wave_year""", _territory(level, code))


def _occupancy_filter(level: str, code: str | None) -> tuple[str, tuple]:
    """Sites of the territory (the commune declared for each site); every site for France."""
    if level == "france":
        return "true", ()
    where, p = _filter(level, code)
    return f"s.commune_code in (select c.commune_code from marts.dim_commune c where {where})", p


def occupancy_sites(level: str, code: str | None) -> pd.DataFrame:
    """One row per counted site of the territory (marts.fct_occupancy_site); rates in %."""
    where, p = _occupancy_filter(level, code)
    return query(f"""
        select site as "Site", commune_name as "Commune", n_days as "Jours comptés", first_day as debut,
               last_day as fin, capacity_seats as "Places", 100 * mean_occupancy_rate as "Occupation moyenne (%)",
               100 * peak_occupancy_rate as "Pic d'occupation (%)", capacity_method
        from marts.fct_occupancy_site s where {where} order by site""", p)


def occupancy_unlocated() -> int:
    """Counted sites without a known commune (shown for France only)."""
    return int(query("select count(*) as n from marts.fct_occupancy_site where commune_code is null").n.iloc[0])


def occupancy_daily(level: str, code: str | None) -> pd.DataFrame:
    """The daily mean occupancy of the territory's sites (marts.fct_occupancy_daily), in %."""
    where, p = _occupancy_filter(level, code)
    return query(f"""select d.site as "Site", d.day as "Jour", 100 * d.mean_occupancy_rate as taux
                     from marts.fct_occupancy_daily d join marts.fct_occupancy_site s using (site)
                     where {where} order by d.site, d.day""", p)


# --- funding ----------------------------------------------------------------------------------------------------------

def funding(level: str, code: str | None) -> pd.Series | None:
    """The territory's grant years and estimated programme funding (marts.fct_funding_territory)."""
    return _row(query("""
        select grant_years, grant_years_loaded, estimated_france_services_eur, estimated_campus_connecte_eur,
               estimated_fabrique_territoire_eur, estimated_fabrique_numerique_eur, estimated_micro_folie_eur,
               estimated_conseiller_numerique_eur, estimated_manufacture_proximite_eur,
               estimated_petite_ville_demain_eur
        from marts.fct_funding_territory where territory_level = ? and territory_code = ?""",
                      _territory(level, code)))


def programme_unplaced() -> pd.DataFrame:
    """The estimated programme amounts of items without a commune (marts.fct_funding_funder_programme,
    placement 'non_localise'): counted in France's total, in no territory."""
    return query("""
        select programme_code, sum(n_items) as elements, sum(amount_eur) as montant
        from marts.fct_funding_funder_programme
        where basis = 'estimation_programme' and placement = 'non_localise'
        group by programme_code order by programme_code""")


def funding_by_funder(level: str, code: str | None) -> pd.DataFrame:
    """The grants to the territory's tiers-lieux per funder and year, the largest amount first."""
    return query("""
        select funder_name || ' (' || coalesce(cast(grant_year as varchar), 'année inconnue') || ')' as financeur,
               grant_year as annee, amount_to_places_eur as montant, n_grants_to_places as subventions
        from marts.fct_funding_funder_territory where territory_level = ? and territory_code = ?
        order by montant desc, financeur""", _territory(level, code))


def grant_funders() -> pd.DataFrame:
    """The funders whose published grants (SCDL) the warehouse holds, whatever their beneficiaries, with
    their years: the base of every grant figure (a territory none of them funds shows 0 €)."""
    return query("""
        select funder_name, string_agg(distinct cast(grant_year as varchar), ', ' order by cast(grant_year as varchar))
                   as years, count(*) as n_grants
        from marts.fct_grants group by funder_name order by n_grants desc, funder_name""")


def grants(level: str, code: str | None) -> pd.DataFrame:
    """The grants to the territory's tiers-lieux, the latest year and the largest amount first."""
    where, p = _filter(level, code)
    return query(f"""
        select cast(g.grant_year as varchar) as "Année",
               strftime(cast(g.convention_date as date), '%d/%m/%Y') as "Date", g.funder_name as "Financeur",
               g.beneficiary_name as "Bénéficiaire",
               g.purpose as "Objet", round(g.amount_eur) as "Montant (€)"
        from marts.fct_grants g join marts.dim_commune c using (commune_code)
        where {where} and g.place_id is not null order by g.grant_year desc, g.amount_eur desc""", p)


# --- directory -----------------------------------------------------------------------------------------------------------

def directory(level: str, code: str | None, search: str, types: list[str], services: list[str] = ()) -> pd.DataFrame:
    """The places of the territory whose name or commune contains ``search``, of the given types, offering
    every given service (keys of :data:`SERVICE_COLUMNS`), with their service flags."""
    where, p = _filter(level, code)
    type_sql = "and p.place_type in (select unnest(?::varchar[]))" if types else ""
    service_sql = "".join(f" and p.{SERVICE_COLUMNS[s]}" for s in services)
    flags = ", ".join(f"p.{col} as {key}" for key, col in SERVICE_COLUMNS.items())
    return query(f"""
        select p.place_name as "Nom", p.place_type as type, p.address as "Adresse", p.postcode as "Code postal",
               c.commune_name as "Commune", c.commune_code as "Code commune", c.epci_name as "EPCI",
               p.fs_type as "Type France Services", p.phone as "Téléphone", p.email as "Courriel",
               case when p.website is null then null when p.website ilike 'http%' then p.website
                    else 'http://' || p.website end as "Site web",
               {flags}, p.latitude as "Latitude", p.longitude as "Longitude"
        from marts.dim_place p join marts.dim_commune c using (commune_code)
        where {where} and (? = '' or p.place_name ilike '%' || ? || '%' or c.commune_name ilike '%' || ? || '%')
        {type_sql}{service_sql}
        order by "Commune", "Nom" """, p + (search, search, search) + ((types,) if types else ()))


# --- methodology and quality ----------------------------------------------------------------------------------------------

def cantons_without_france_services() -> str | None:
    """The headline sentence on the cantons without France Services, for every commune loaded."""
    row = _row(query("select cantons_without_france_services_fr as texte from marts.fct_coverage_territory "
                     "where territory_level = 'national'"))
    return None if row is None else row.texte


def placement_by_source() -> pd.DataFrame:
    return query("select source_name, rows, placed, unplaced, 100 * share_placed as share_placed "
                 "from marts.quality_placement_by_source order by share_placed, source_name")


def unplaced_reasons(limit: int = 20) -> pd.DataFrame:
    return query(f"select source_name, reason, n_rows as n from marts.quality_unplaced_reasons "
                 f"order by n_rows desc, source_name, reason limit {int(limit)}")


def refresh_runs() -> pd.DataFrame | None:
    """The last 10 refresh runs, most recent first (the run journal ops.refresh_runs: not a mart, written by the
    refresh job at publication, after dbt; a dbt source of the exposure). None when the publication has none."""
    try:
        return query("select started_at, finished_at, status, published, message from ops.refresh_runs "
                     "order by started_at desc limit 10")
    except duckdb.CatalogException:
        return None


def refresh_checks() -> pd.DataFrame:
    """The checks of the most recent refresh run, failed ones first (ops.refresh_checks)."""
    return query("""
        select asset, severity as "Gravité", case when passed then 'réussi' else 'échoué' end as "Résultat",
               message as "Contrôle"
        from ops.refresh_checks
        where run_id = (select run_id from ops.refresh_runs order by started_at desc limit 1)
        order by passed, asset""")


# --- telework and site recommendation (Télétravail et implantations) -----------------------------------

def telework_scenarios() -> pd.DataFrame:
    """The scenarios the marts hold: access distances and days a week (fct_telework_territory)."""
    return query("""select distinct access_km, days_per_week from marts.fct_telework_territory
                    order by access_km, days_per_week""")


def telework(level: str, code: str | None, access_km: float, days: int) -> pd.Series | None:
    """The territory's telework potential in one scenario, or None without the census detail file."""
    tl, tc = _territory(level, code)
    return _row(query("""
        select * from marts.fct_telework_territory
        where territory_level = ? and territory_code = ? and access_km = ? and days_per_week = ?""",
                      (tl, tc, access_km, days)))


def telework_communes(level: str, code: str | None, access_km: float, days: int) -> pd.DataFrame:
    """The territory's communes with their potential users (one scenario), at their centre, for the map."""
    where, p = _filter(level, code)
    return query(f"""
        select t.commune_code, t.commune_name, c.latitude, c.longitude, t.potential_users,
               t.potential_users_near_place, t.has_tiers_lieu_within_access, t.km_avoided_per_year
        from marts.fct_telework_commune t join marts.dim_commune c using (commune_code)
        where {where} and c.latitude is not null and t.access_km = ? and t.days_per_week = ?
        order by t.potential_users desc""", (*p, access_km, days))


def site_recommendation(access_km: float, n_sites: int, days: int) -> pd.DataFrame:
    """The recommended communes of one scenario, exact and greedy, in rank order."""
    return query("""
        select algorithm, site_rank, commune_code, commune_name, epci_code, latitude, longitude,
               marginal_potential_users, cumulative_potential_users, potential_users_served,
               potential_users_unserved_before, share_gap_to_exact, km_avoided_per_year, co2_avoided_t_per_year,
               scope_name, n_candidate_communes
        from marts.fct_site_recommendation
        where access_km = ? and n_new_sites = ? and days_per_week = ?
        order by algorithm, site_rank""", (access_km, n_sites, days))


def site_recommendation_sizes() -> list[int]:
    """The numbers of new places the recommendation was computed for."""
    return [int(n) for n in query("select distinct n_new_sites from marts.fct_site_recommendation "
                                  "order by 1").n_new_sites]
