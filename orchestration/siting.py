"""Where the next tiers-lieux should open: a maximal covering location problem (MCLP) solved exactly and greedily.

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

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.spatial import cKDTree

EARTH_RADIUS_KM = 6371.0


def haversine_km(lat1, lon1, lat2, lon2) -> np.ndarray:
    """The warehouse's haversine (macro haversine_km): same radius, same formula."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    a = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(np.radians(np.asarray(lon2) - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(a)))


def _unit(lat, lon) -> np.ndarray:
    la, lo = np.radians(lat), np.radians(lon)
    return np.column_stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)])


@dataclass
class Coverage:
    """Which candidates serve which demand points: pairs (demand i, candidate j) with their distance."""

    demand: np.ndarray        # demand index of each pair
    candidate: np.ndarray     # candidate index of each pair
    km: np.ndarray            # distance of the pair (rounded to the metre)
    n_demand: int
    n_candidates: int


def coverage(demand_lat, demand_lon, cand_lat, cand_lon, radius_km: float) -> Coverage:
    """Every (demand, candidate) pair within ``radius_km`` (straight line between the points, rounded to the
    metre), found with a k-d tree on the unit sphere then measured with the warehouse's haversine."""
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
