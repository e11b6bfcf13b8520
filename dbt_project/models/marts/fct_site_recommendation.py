"""fct_site_recommendation: where 1..N new tiers-lieux should open in the observatory's territory so that the most
potential users (fct_telework_commune) get a place within the access distance, the existing places counting as
already serving (maximal covering location problem), solved exactly (HiGHS) and greedily, with the marginal
gain of each site and the kilometres and CO2 its users avoid.

A dbt Python model (dbt-duckdb runs it in the build's process, like dim_territory_geometry): the optimisation
is a mixed-integer programme, which SQL cannot solve. The algorithms below (coverage, solve_exact, solve_greedy,
rank_sites) are plain functions of this file: bench/bench_telework.py and tests/test_telework.py load it by its
path (a dbt Python model runs from a copy, so it cannot import a module of the repository reliably).
Parameters: dbt vars passed through the model's config (_telework.yml): recommendation_max_sites, recommendation_max_candidates, telework_weeks_per_year,
telework_min_commute_km, territory_name. The territory is the communes of dim_commune with in_territory; above
recommendation_max_candidates communes (a région) nothing is computed and the mart is empty.

The optimisation:
Where the next tiers-lieux should open: a maximal covering location problem (MCLP) solved exactly and greedily.

Demand points are communes with potential users of a tiers-lieu near home (fct_telework_commune) that no
existing tiers-lieu serves (none within the access distance of their centre); candidate sites are the
communes of the territory. A new place in commune j serves every demand commune whose centre is within the
access distance of j's centre (straight line, rounded to the metre as everywhere in the warehouse). Choose
``n_sites`` candidates so that the most potential users are served.

* :func:`solve_exact`: the MCLP as a mixed-integer programme (x_j binary: a place in j; y_i in [0, 1]: demand i
  served; maximise sum w_i y_i subject to y_i <= sum of the x_j covering i and sum x_j = n), solved by HiGHS
  through SciPy (:func:`scipy.optimize.milp`), with a relative gap of 0: the optimum.
* :func:`solve_greedy`: add, n times, the candidate that serves the most users not yet served (ties: the
  smaller commune code).
* :func:`rank_sites`: the sites of a solution in the order a greedy pass through them adds users, with each
  site's marginal gain (the users it serves first).

SciPy's HiGHS is the solver the issue names (spopt would formulate the same programme and hand it to HiGHS
through PuLP, adding geopandas, scikit-learn and about 20 other packages to the install).
"""

import numpy as np
import pandas as pd

# SciPy is imported by the functions that use it: beyond recommendation_max_candidates communes (France as a
# whole) the model returns an empty mart without paying for its import (about 0.4 s of every build).

EARTH_RADIUS_KM = 6371.0


def haversine_km(lat1, lon1, lat2, lon2) -> np.ndarray:
    """The warehouse's haversine (macro haversine_km): same radius, same formula."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    a = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(np.radians(np.asarray(lon2) - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(a)))


def _unit(lat, lon) -> np.ndarray:
    la, lo = np.radians(lat), np.radians(lon)
    return np.column_stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)])


class Coverage:
    """Which candidates serve which demand points: pairs (demand i, candidate j) with their distance (rounded to
    the metre), and the numbers of demand points and candidates."""

    def __init__(self, demand, candidate, km, n_demand: int, n_candidates: int):
        self.demand, self.candidate, self.km = demand, candidate, km
        self.n_demand, self.n_candidates = n_demand, n_candidates


def coverage(demand_lat, demand_lon, cand_lat, cand_lon, radius_km: float) -> Coverage:
    """Every (demand, candidate) pair within ``radius_km`` (straight line between the points, rounded to the
    metre), found with a k-d tree on the unit sphere then measured with the warehouse's haversine."""
    from scipy.spatial import cKDTree
    dl, dn = np.asarray(demand_lat, float), np.asarray(demand_lon, float)
    cl, cn = np.asarray(cand_lat, float), np.asarray(cand_lon, float)
    if len(dl) == 0 or len(cl) == 0:
        empty = np.zeros(0, dtype=np.int64)
        return Coverage(empty, empty, np.zeros(0), len(dl), len(cl))
    chord = 2 * np.sin(min(np.pi, (radius_km + 0.01) / EARTH_RADIUS_KM) / 2)   # a little wider, then exact
    pairs = cKDTree(_unit(cl, cn)).query_ball_point(_unit(dl, dn), r=chord)
    i = np.repeat(np.arange(len(dl)), [len(p) for p in pairs])
    j = np.fromiter((x for p in pairs for x in p), dtype=np.int64, count=len(i))
    km = np.round(haversine_km(dl[i], dn[i], cl[j], cn[j]), 3)
    keep = km <= radius_km
    return Coverage(i[keep], j[keep], km[keep], len(dl), len(cl))


def served_by(cov: Coverage, chosen) -> np.ndarray:
    """Boolean per demand point: served by one of the ``chosen`` candidates."""
    pick = np.zeros(cov.n_candidates, dtype=bool)
    pick[list(chosen)] = True
    out = np.zeros(cov.n_demand, dtype=bool)
    out[cov.demand[pick[cov.candidate]]] = True
    return out


def solve_exact(cov: Coverage, weights, n_sites: int, time_limit_s: float = 120.0) -> tuple[list[int], float]:
    """The optimal ``n_sites`` candidates (indices, fewer when fewer candidates serve anyone) and the users
    they serve. Raises when HiGHS does not prove optimality within ``time_limit_s``."""
    from scipy import sparse
    from scipy.optimize import Bounds, LinearConstraint, milp
    w = np.asarray(weights, dtype=float)
    useful = np.unique(cov.candidate)
    n = min(n_sites, len(useful))
    if n == 0:
        return [], 0.0
    col = {int(c): k for k, c in enumerate(useful)}
    n_cand, n_dem = len(useful), cov.n_demand
    # Rows 0..n_dem-1: y_i - sum_j a_ij x_j <= 0; last row: sum_j x_j = n. Variables: x (n_cand) then y (n_dem).
    rows = np.concatenate([cov.demand, np.arange(n_dem), np.full(n_cand, n_dem)])
    cols = np.concatenate([np.array([col[int(c)] for c in cov.candidate], dtype=np.int64), n_cand + np.arange(n_dem),
                           np.arange(n_cand)])
    vals = np.concatenate([-np.ones(len(cov.demand)), np.ones(n_dem), np.ones(n_cand)])
    a = sparse.csr_array((vals, (rows, cols)), shape=(n_dem + 1, n_cand + n_dem))
    lower = np.concatenate([np.full(n_dem, -np.inf), [n]])
    upper = np.concatenate([np.zeros(n_dem), [n]])
    res = milp(c=np.concatenate([np.zeros(n_cand), -w]), constraints=LinearConstraint(a, lower, upper),
               integrality=np.concatenate([np.ones(n_cand), np.zeros(n_dem)]), bounds=Bounds(0, 1),
               options={"mip_rel_gap": 0.0, "time_limit": time_limit_s, "disp": False})
    if res.status != 0:
        raise RuntimeError(f"HiGHS n'a pas prouvé l'optimum : {res.message}")
    chosen = sorted(int(useful[k]) for k in np.flatnonzero(res.x[:n_cand] > 0.5))
    return chosen, float(w[served_by(cov, chosen)].sum())


def solve_greedy(cov: Coverage, weights, n_sites: int, tie_keys=None) -> tuple[list[int], float]:
    """``n_sites`` candidates added one at a time, each serving the most users not yet served (ties: the
    smallest ``tie_keys``, default the index); stops early when no candidate adds anyone."""
    from scipy import sparse
    w = np.asarray(weights, dtype=float)
    keys = np.arange(cov.n_candidates) if tie_keys is None else np.asarray(tie_keys)
    by_candidate = sparse.csr_array((np.ones(len(cov.demand)), (cov.candidate, cov.demand)),
                                    shape=(cov.n_candidates, cov.n_demand))
    left = w.copy()
    chosen: list[int] = []
    for _ in range(n_sites):
        gain = by_candidate @ left
        best = gain.max() if len(gain) else 0.0
        if best <= 0:
            break
        ties = np.flatnonzero(gain >= best * (1 - 1e-12))
        j = int(ties[np.argmin(keys[ties])]) if len(ties) > 1 else int(ties[0])
        chosen.append(j)
        left[by_candidate[[j], :].indices] = 0.0
    return chosen, float(w.sum() - left.sum())


def rank_sites(cov: Coverage, weights, chosen, tie_keys=None) -> list[tuple[int, float, np.ndarray]]:
    """The sites of a solution in greedy order: (candidate, marginal users, demand points it serves first)."""
    w = np.asarray(weights, dtype=float)
    keys = np.arange(cov.n_candidates) if tie_keys is None else np.asarray(tie_keys)
    remaining, served = list(chosen), np.zeros(cov.n_demand, dtype=bool)
    out = []
    while remaining:
        gains = []
        for j in remaining:
            new = np.unique(cov.demand[(cov.candidate == j)])
            new = new[~served[new]]
            gains.append((-w[new].sum(), keys[j], j, new))
        gains.sort(key=lambda g: (g[0], g[1]))
        gain, _, j, new = gains[0]
        served[new] = True
        out.append((j, -gain, new))
        remaining.remove(j)
    return out



COLUMNS = {
    "scope_name": "object", "access_km": "float64", "n_new_sites": "int64", "days_per_week": "int64",
    "algorithm": "object", "site_rank": "int64", "commune_code": "object", "commune_name": "object",
    "epci_code": "object", "departement_code": "object", "latitude": "float64", "longitude": "float64",
    "marginal_potential_users": "float64", "cumulative_potential_users": "float64",
    "potential_users_served": "float64", "potential_users_unserved_before": "float64",
    "share_gap_to_exact": "float64", "km_avoided_per_year": "float64", "co2_avoided_t_per_year": "float64",
    "n_candidate_communes": "int64", "min_commute_km": "float64", "weeks_per_year": "float64", "method": "object",
}
METHOD = (
    "Communes où ouvrir 1 à N nouveaux tiers-lieux pour que le plus d'usagers potentiels (télétravaillables allant "
    "travailler en voiture au-delà de la distance minimale) aient un lieu à moins de access_km du centre de leur "
    "commune, les tiers-lieux existants desservant déjà leurs voisins (problème de couverture maximale). "
    "« exact » : optimum prouvé (programme linéaire en nombres entiers, solveur HiGHS) ; « glouton » : on ajoute à "
    "chaque étape la commune qui dessert le plus d'usagers encore non desservis ; share_gap_to_exact : écart "
    "relatif du glouton à l'optimum. Gain marginal : usagers que le site dessert en premier, dans l'ordre où il "
    "est ajouté ; kilomètres et CO2 évités par ces usagers (aller-retour trajet moins distance au nouveau lieu, "
    "days_per_week jours par semaine). Distances à vol d'oiseau entre centres de communes.")


def _rows(scope, cand, demand, a, n_max, days_list, weeks, min_km) -> list[dict]:
    cov = coverage(demand.latitude, demand.longitude, cand.latitude, cand.longitude, a)
    w = demand.potential_users.to_numpy(float)
    pk, pe_k = demand.user_km.to_numpy(float), demand.user_kg.to_numpy(float)
    p_kg = demand.user_kg_per_km.to_numpy(float)
    keys = cand.commune_code.to_numpy(object)
    greedy_all, _ = solve_greedy(cov, w, n_max, tie_keys=keys)
    pair_km = {(int(i), int(j)): float(k) for i, j, k in zip(cov.demand, cov.candidate, cov.km)}
    rows = []
    for n in range(1, n_max + 1):
        exact, exact_users = solve_exact(cov, w, n)
        greedy = greedy_all[:n]
        greedy_users = float(w[np.unique(cov.demand[np.isin(cov.candidate, greedy)])].sum())
        for algorithm, chosen, total in (("exact", exact, exact_users), ("glouton", greedy, greedy_users)):
            if algorithm == "exact":     # the optimal sites, in the order a greedy pass through them adds users
                ranked = rank_sites(cov, w, chosen, tie_keys=keys)
            else:                        # the greedy sites, in the order it added them
                ranked = []
                served = np.zeros(cov.n_demand, dtype=bool)
                for j in greedy:
                    new = np.unique(cov.demand[cov.candidate == j])
                    new = new[~served[new]]
                    served[new] = True
                    ranked.append((j, float(w[new].sum()), new))
            cumulative = 0.0
            for rank, (j, gain, new) in enumerate(ranked, start=1):
                cumulative += gain
                d = np.array([pair_km[(int(i), int(j))] for i in new])
                one_way_km = float((pk[new] - d * w[new]).sum()) if len(new) else 0.0
                one_way_kg = float((pe_k[new] - d * p_kg[new]).sum()) if len(new) else 0.0
                c = cand.iloc[j]
                for days in days_list:
                    rows.append({
                        "scope_name": scope, "access_km": float(a), "n_new_sites": n, "days_per_week": int(days),
                        "algorithm": algorithm, "site_rank": rank, "commune_code": c.commune_code,
                        "commune_name": c.commune_name, "epci_code": c.epci_code,
                        "departement_code": c.departement_code, "latitude": c.latitude, "longitude": c.longitude,
                        "marginal_potential_users": gain, "cumulative_potential_users": cumulative,
                        "potential_users_served": total, "potential_users_unserved_before": float(w.sum()),
                        "share_gap_to_exact": (exact_users - total) / exact_users if exact_users > 0 else 0.0,
                        "km_avoided_per_year": 2 * one_way_km * days * weeks,
                        "co2_avoided_t_per_year": 2 * one_way_kg * days * weeks / 1000,
                        "n_candidate_communes": len(cand), "min_commute_km": min_km, "weeks_per_year": weeks,
                        "method": METHOD})
    return rows


def model(dbt, session):
    dbt.config(materialized="table")
    n_max = int(dbt.config.get("max_sites"))
    max_candidates = int(dbt.config.get("max_candidates"))
    weeks = float(dbt.config.get("weeks_per_year"))
    min_km = float(dbt.config.get("min_commute_km"))
    scope = str(dbt.config.get("territory_name"))
    communes = dbt.ref("dim_commune").query(
        "c", "select commune_code, commune_name, epci_code, departement_code, latitude, longitude from c "
             "where in_territory and latitude is not null order by commune_code").df()
    if not 0 < len(communes) <= max_candidates:   # beyond a région: nothing computed, nothing else read
        return pd.DataFrame(columns=list(COLUMNS)).astype(COLUMNS)
    telework = dbt.ref("fct_telework_commune").query(
        "t", "select commune_code, access_km, days_per_week, potential_users, has_tiers_lieu_within_access "
             "from t where in_territory").df()
    # Per commune, the one-way kilometres and emissions of its potential users (for the km and CO2 avoided).
    users = dbt.ref("int_telework_flows").query(
        "f", "select residence_commune_code as commune_code, "
             "sum(teleworkable_workers * commute_km) as user_km, "
             "sum(teleworkable_workers * commute_km * emission_kg_co2e_per_km) as user_kg, "
             "sum(teleworkable_workers * emission_kg_co2e_per_km) as user_kg_per_km "
             "from f where is_potential_user group by 1").df()
    rows: list[dict] = []
    if len(telework):
        days_list = sorted(telework.days_per_week.unique())
        first_day = days_list[0]
        for a in sorted(telework.access_km.unique()):
            t = telework[(telework.access_km == a) & (telework.days_per_week == first_day)
                         & (telework.potential_users > 0) & ~telework.has_tiers_lieu_within_access]
            demand = (t[["commune_code", "potential_users"]].merge(communes, on="commune_code")
                      .merge(users, on="commune_code", how="left").fillna({"user_km": 0.0, "user_kg": 0.0,
                                                                          "user_kg_per_km": 0.0})
                      .sort_values("commune_code").reset_index(drop=True))
            rows += _rows(scope, communes, demand, float(a), n_max, days_list, weeks, min_km)
    out = pd.DataFrame(rows, columns=list(COLUMNS))
    return out.astype(COLUMNS)
