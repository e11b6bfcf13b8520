"""Telework potential and site recommendation (issue 22).

* On the demo, every telework figure of the warehouse equals the generator's truth (ingest/demo/mobpro_detail.py
  recomputes it from the files written): potential users per EPCI, and for every scenario the potential users
  near a place, the kilometres and the CO2 avoided.
* On a hand-built tiny territory, the exact recommendation (the dbt Python model fct_site_recommendation, HiGHS) equals an exhaustive
  search over every set of N sites for N = 1, 2, 3, and the greedy one is never better.
* The opportunity score of fct_opportunity_epci is the potential users per tiers-lieu (+ 1) on the demo.
* The detail file's loader keeps every published column, rejects a broken row with its reason and line.
"""

from __future__ import annotations

import importlib.util
import itertools
import math
import zipfile

import duckdb
import pytest

from ingest.config import PROJECT_ROOT
from ingest.demo.mobpro_detail import COLUMNS, MEMBER

# The optimisation lives in the dbt Python model itself (a dbt Python model cannot import the repository's modules).
_spec = importlib.util.spec_from_file_location(
    "fct_site_recommendation", PROJECT_ROOT / "dbt_project" / "models" / "marts" / "fct_site_recommendation.py")
siting = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(siting)
coverage, rank_sites, solve_exact, solve_greedy = siting.coverage, siting.rank_sites, siting.solve_exact, siting.solve_greedy

# A tiny territory: 9 commune centres along two valleys (lat, lon), the potential users of each commune, and one
# existing tiers-lieu in commune "A" (so A and its neighbours within the access distance are served already).
TINY = {
    "A": (45.000, 3.000, 40.0), "B": (45.050, 3.000, 13.0), "C": (45.100, 3.000, 29.0),
    "D": (45.150, 3.020, 17.0), "E": (45.000, 3.120, 31.0), "F": (45.000, 3.200, 11.0),
    "G": (45.060, 3.170, 23.0), "H": (45.200, 3.060, 19.0), "I": (45.120, 3.120, 7.0),
}
EXISTING = ("A",)
ACCESS_KM = 8.0


def _km(p, q) -> float:
    """Haversine between two (lat, lon), written out here (not the project's code)."""
    (la1, lo1), (la2, lo2) = p, q
    a = (math.sin(math.radians(la2 - la1) / 2) ** 2
         + math.cos(math.radians(la1)) * math.cos(math.radians(la2)) * math.sin(math.radians(lo2 - lo1) / 2) ** 2)
    return round(2 * 6371.0 * math.asin(min(1.0, math.sqrt(a))), 3)


def test_exact_recommendation_equals_exhaustive_search_and_beats_greedy():
    names = sorted(TINY)
    pos = {n: TINY[n][:2] for n in names}
    served = {n for n in names if any(_km(pos[n], pos[e]) <= ACCESS_KM for e in EXISTING)}
    assert served == {"A", "B"}      # the existing place serves its commune and B (5.6 km), not C (11.1 km)
    demand = [n for n in names if n not in served]
    weights = [TINY[n][2] for n in demand]
    cov = coverage([pos[n][0] for n in demand], [pos[n][1] for n in demand],
                   [pos[n][0] for n in names], [pos[n][1] for n in names], ACCESS_KM)
    def users(sites) -> float:
        return sum(TINY[d][2] for d in demand if any(_km(pos[d], pos[s]) <= ACCESS_KM for s in sites))

    for n_sites in (1, 2, 3):
        best_users = max(users(sites) for sites in itertools.combinations(names, n_sites))
        optima = {sites for sites in itertools.combinations(names, n_sites) if users(sites) == best_users}
        chosen, served_users = solve_exact(cov, weights, n_sites)
        assert tuple(names[j] for j in chosen) in optima
        assert served_users == pytest.approx(best_users)
        greedy, greedy_users = solve_greedy(cov, weights, n_sites, tie_keys=names)
        assert greedy_users <= served_users + 1e-9
        ranked = rank_sites(cov, weights, chosen, tie_keys=names)
        assert sum(gain for _, gain, _ in ranked) == pytest.approx(served_users)
        assert [gain for _, gain, _ in ranked] == sorted((gain for _, gain, _ in ranked), reverse=True)
        if n_sites < 3:                  # one optimum: G alone (72 users), then D and G (137)
            assert len(optima) == 1
    assert users(("G",)) == 72 and users(("D", "G")) == 137 == sum(weights)


def test_demo_telework_figures_equal_the_generator_truth(demo_mirror, demo_warehouse):
    truth = demo_mirror[1]["telework"]
    con = demo_warehouse
    users = dict(con.execute("select epci_code, potential_users from marts.fct_telework_epci "
                             "where access_km = 10 and days_per_week = 1").fetchall())
    assert set(users) == set(truth["potential_users_by_epci"])
    assert sum(truth["potential_users_by_epci"].values()) > 100
    for epci, expected in truth["potential_users_by_epci"].items():
        assert users[epci] == pytest.approx(expected, rel=1e-9, abs=1e-6), epci
    checked = 0
    for access, scenario in truth["scenarios"].items():
        for days, figures in scenario["days"].items():
            got = {r[0]: r[1:] for r in con.execute(
                "select epci_code, potential_users_near_place, km_avoided_per_year, co2_avoided_t_per_year "
                "from marts.fct_telework_epci where access_km = ? and days_per_week = ?",
                [float(access), int(days)]).fetchall()}
            for epci in truth["potential_users_by_epci"]:
                expected = (scenario["potential_users_near_place_by_epci"][epci],
                            figures["km_avoided_per_year_by_epci"][epci], figures["co2_avoided_t_per_year_by_epci"][epci])
                assert got[epci] == pytest.approx(expected, rel=1e-9, abs=1e-6), (access, days, epci)
                checked += 1
    assert checked == 12 * 3 * 3
    # The territory's total equals the sum of its EPCI, and the recommendation never serves fewer users
    # exactly than greedily.
    total = con.execute("select potential_users from marts.fct_telework_territory where territory_level = "
                        "'departement' and territory_code = '96' and access_km = 10 and days_per_week = 1").fetchone()[0]
    assert total == pytest.approx(sum(truth["potential_users_by_epci"].values()))
    worse = con.execute("select count(*) from marts.fct_site_recommendation g join marts.fct_site_recommendation e "
                        "using (access_km, n_new_sites, days_per_week, site_rank) where g.algorithm = 'glouton' and "
                        "e.algorithm = 'exact' and g.potential_users_served > e.potential_users_served + 1e-9"
                        ).fetchone()[0]
    assert worse == 0
    assert con.execute("select count(distinct n_new_sites) from marts.fct_site_recommendation").fetchone()[0] == 5
    # The opportunity score is built on the potential users: potential users / (tiers-lieux + 1).
    scores = con.execute("select epci_code, score_basis, opportunity_score, n_tiers_lieux from marts.fct_opportunity_epci"
                         ).fetchall()
    assert {basis for _, basis, _, _ in scores} == {"usagers_potentiels"}
    for epci, _, score, n_places in scores:
        assert score == pytest.approx(truth["potential_users_by_epci"][epci] / (n_places + 1), rel=1e-9, abs=1e-9)


def test_detail_loader_keeps_every_column_and_rejects_a_broken_row(tmp_path):
    from ingest import sources
    from ingest.fetch import fetch

    row = ["96001", "ZZZZZ", "99999", "96002", "030", "3", "0", "16", "11", "2", "2", "1", "1", "3", "2", "1",
           "2.500000000", "3", "M", "21", "RU", "GU", "5", "96", "96", "1", "21", "23", "1", "5", "5", "42", "1"]
    broken = list(row)
    broken[COLUMNS.index("TRANS")] = "9"
    path = tmp_path / MEMBER.replace("FD_MOBPRO_", "RP").replace(".csv", "_mobpro_csv.zip")   # the year of its member
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(MEMBER, "\n".join(";".join(r) for r in (COLUMNS, row, broken, row)) + "\n")
        zf.writestr(MEMBER.replace("FD_", "Varmod_"), "COD_VAR;LIB_VAR\nTRANS;Mode\n")
    snap = fetch("mobpro_detail", str(path), tmp_path / "snapshots")
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    result = sources.load(con, "mobpro_detail", [snap])
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (3, 2, 1)
    columns = [r[0] for r in con.execute("describe raw.mobpro_detail").fetchall()]
    assert columns[:len(COLUMNS)] == list(COLUMNS)
    assert con.execute("select list(_line order by _line), list(distinct IPONDI) from raw.mobpro_detail").fetchone() \
        == ([2, 4], ["2.500000000"])
    reason, line = con.execute("select reason, _line from raw.mobpro_detail_rejects").fetchone()
    assert line == 3 and "ligne 3" in reason and "« TRANS »" in reason and "« 9 »" in reason
