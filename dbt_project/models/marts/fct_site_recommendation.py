"""fct_site_recommendation: where 1..N new tiers-lieux should open in the observatory's territory so that the most
potential users (fct_telework_commune) get a place within the access distance, the existing places counting as
already serving (maximal covering location problem), solved exactly (HiGHS) and greedily, with the marginal
gain of each site and the kilometres and CO2 its users avoid.

A dbt Python model (dbt-duckdb runs it in the build's process, like dim_territory_geometry): the optimisation
is a mixed-integer programme, which SQL cannot solve. The algorithms are in orchestration/siting.py (also used
by bench/bench_telework.py and tests/test_telework.py). Parameters: dbt vars passed through the model's config
(_telework.yml): recommendation_max_sites, recommendation_max_candidates, telework_weeks_per_year,
telework_min_commute_km, territory_name. The territory is the communes of dim_commune with in_territory; above
recommendation_max_candidates communes (a région) nothing is computed and the mart is empty.
"""

import numpy as np
import pandas as pd

from orchestration.siting import coverage, rank_sites, solve_exact, solve_greedy

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
    if 0 < len(communes) <= max_candidates and len(telework):
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
