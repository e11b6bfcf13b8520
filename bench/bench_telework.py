"""Telework at national scale (issue 22 targets): the census detail file (about 9,000,000 rows) ingested
< 60 s and < 2 GB, the telework marts built < 15 s, a recommendation for one région (about 4,000 candidate
communes, N = 10) < 30 s exact and greedy with the gap printed.

    .venv/bin/python bench/bench_telework.py --warehouse data/bench/run/warehouse/observatoire.duckdb \
        --mirror data/bench/mirror-s1-seed2024 [--json FILE] [--step ingest|marts|recommend]

Run by ``bench/bench_refresh.py`` after the full national refresh (whose publication it copies: the telework
marts need the referential and the nearest places). Each step is timed in its own child process, whose peak
resident memory (with its subprocesses, dbt) is measured by ``bench_refresh.measured``:
0. prepare: the benchmark's detail file (``ingest.demo.mobpro_detail.write_stress_detail``), written once under
   the mirror's ``stress/`` (not timed against a target);
1. ingest: that file fetched into a snapshot and loaded by the source's loader into the copy;
2. marts: ``dbt run`` of the telework models (staging view, int_telework_flows, the four fct_telework_* marts);
3. recommend: the région with the most communes, 10 km, N = 10, exact (HiGHS) and greedy
   (the functions of the dbt Python model fct_site_recommendation), the gap printed.
Everything lives under data/bench/telework (ignored by git).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

WORK = ROOT / "data" / "bench" / "telework"
TARGETS = {"ingest_s": 60.0, "ingest_mb": 2048.0, "marts_s": 15.0, "recommend_s": 30.0}
MODELS = ("stg_mobpro_detail int_telework_flows fct_telework_commune fct_telework_territory fct_telework_epci "
          "fct_telework_profile_territory")


def step_prepare(mirror: Path) -> dict:
    """The benchmark's detail file, written once (about 9 million rows; reused while it exists)."""
    from ingest.demo.mobpro_detail import ZIP_NAME, write_stress_detail

    path = mirror / "stress" / ZIP_NAME
    t0 = time.perf_counter()
    if not path.exists():
        write_stress_detail(mirror)
        print(f"fichier détail de stress écrit en {time.perf_counter() - t0:.1f} s : {path}")
    return {"path": str(path), "written_s": time.perf_counter() - t0}


def step_ingest(db: Path, mirror: Path) -> dict:
    import duckdb

    from ingest import sources
    from ingest.demo.mobpro_detail import ZIP_NAME
    from ingest.fetch import fetch

    path = mirror / "stress" / ZIP_NAME
    shutil.rmtree(WORK / "snapshots", ignore_errors=True)
    t0 = time.perf_counter()
    snap = fetch("mobpro_detail", str(path), WORK / "snapshots")
    t1 = time.perf_counter()
    con = duckdb.connect(str(db))
    result = sources.load(con, "mobpro_detail", [snap])
    t2 = time.perf_counter()
    con.close()
    print(f"{result.rows_read:,} lignes lues, {result.rows_rejected:,} rejetées ({snap.bytes / 1e6:.0f} Mo zippés) : "
          f"instantané {t1 - t0:.1f} s + contrat et chargement {t2 - t1:.1f} s".replace(",", " "))
    return {"rows": result.rows_read, "rejected": result.rows_rejected, "fetch_s": t1 - t0, "load_s": t2 - t1,
            "total_s": t2 - t0}


def step_marts(db: Path) -> dict:
    env = {**os.environ, "OBSERVATOIRE_BUILD_DB": str(db), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    common = ["--profiles-dir", ".", "--target-path", str(WORK / "target"), "--log-path", str(WORK / "logs"),
              "--vars", json.dumps({"territory_departements": [], "territory_name": "France fictive"})]
    dbt = str(Path(sys.executable).parent / "dbt")
    # The seeds the telework models read (a publication made before them lacks them): not timed.
    subprocess.run([dbt, "seed", "--select", "ref_telework_occupations", "ref_transport_modes", *common],
                   cwd=ROOT / "dbt_project", env=env, capture_output=True, text=True, check=True)
    t0 = time.perf_counter()
    done = subprocess.run([dbt, "run", "--select", *MODELS.split(), *common], cwd=ROOT / "dbt_project", env=env,
                          capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if done.returncode:
        print(done.stdout[-3000:])
        raise SystemExit("dbt a échoué")
    results = json.loads((WORK / "target" / "run_results.json").read_text(encoding="utf-8"))
    models = {r["unique_id"].split(".")[-1]: r["execution_time"] for r in results["results"]}
    for name, s in sorted(models.items(), key=lambda kv: -kv[1]):
        print(f"  {name:<34} {s:5.1f} s")
    print(f"dbt run des modèles du télétravail : {wall:.1f} s (processus dbt), {sum(models.values()):.1f} s de modèles")
    return {"wall_s": wall, "models_s": sum(models.values()), "models": models}


def step_recommend(db: Path, n_sites: int = 10, access_km: float = 10.0) -> dict:
    import importlib.util

    import duckdb

    spec = importlib.util.spec_from_file_location("fct_site_recommendation",
                                                  ROOT / "dbt_project/models/marts/fct_site_recommendation.py")
    siting = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(siting)     # the optimisation of the dbt Python model, as the refresh runs it
    coverage, solve_exact, solve_greedy = siting.coverage, siting.solve_exact, siting.solve_greedy

    con = duckdb.connect(str(db), read_only=True)
    region, n_communes = con.execute("select region_code, count(*) from marts.dim_commune where latitude is not null "
                                     "group by 1 order by 2 desc limit 1").fetchone()
    cand = con.execute("select commune_code, latitude, longitude from marts.dim_commune where region_code = ? and "
                       "latitude is not null order by commune_code", [region]).df()
    demand = con.execute("""
        select d.commune_code, d.latitude, d.longitude, t.potential_users
        from marts.fct_telework_commune t join marts.dim_commune d using (commune_code)
        where d.region_code = ? and t.access_km = ? and t.days_per_week = 1 and t.potential_users > 0
          and not t.has_tiers_lieu_within_access
        order by 1""", [region, access_km]).df()
    con.close()
    t0 = time.perf_counter()
    cov = coverage(demand.latitude, demand.longitude, cand.latitude, cand.longitude, access_km)
    t1 = time.perf_counter()
    w = demand.potential_users.to_numpy(float)
    exact, exact_users = solve_exact(cov, w, n_sites)
    t2 = time.perf_counter()
    greedy, greedy_users = solve_greedy(cov, w, n_sites, tie_keys=cand.commune_code.to_numpy(object))
    t3 = time.perf_counter()
    gap = (exact_users - greedy_users) / exact_users if exact_users else 0.0
    print(f"région {region} : {len(cand):,} communes candidates, {len(demand):,} communes avec des usagers potentiels "
          f"sans tiers-lieu à {access_km:g} km ({w.sum():,.0f} usagers), {len(cov.demand):,} couples à moins de "
          f"{access_km:g} km".replace(",", " "))
    print(f"couverture {t1 - t0:.2f} s ; exact (HiGHS) {t2 - t1:.2f} s : {exact_users:,.1f} usagers desservis ; "
          f"glouton {t3 - t2:.2f} s : {greedy_users:,.1f} ; écart du glouton à l'optimum {100 * gap:.2f} %"
          .replace(",", " "))
    print("sites exacts : " + ", ".join(cand.commune_code[j] for j in exact))
    print("sites gloutons : " + ", ".join(cand.commune_code[j] for j in greedy))
    assert greedy_users <= exact_users + 1e-6 and len(exact) == n_sites
    return {"region": region, "n_candidates": len(cand), "n_demand": len(demand), "coverage_s": t1 - t0,
            "exact_s": t2 - t1, "greedy_s": t3 - t2, "total_s": t3 - t0, "exact_users": exact_users,
            "greedy_users": greedy_users, "gap": gap, "largest_region_communes": n_communes}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Banc d'essai du télétravail à l'échelle nationale.")
    parser.add_argument("--warehouse", default=str(ROOT / "data/bench/run/warehouse/observatoire.duckdb"),
                        help="entrepôt national publié (celui du rafraîchissement complet de make bench)")
    parser.add_argument("--mirror", default=str(ROOT / "data/bench/mirror-s1-seed2024"))
    parser.add_argument("--step", choices=("prepare", "ingest", "marts", "recommend"), help=argparse.SUPPRESS)
    parser.add_argument("--json", default=None, help="écrit aussi les chiffres dans ce fichier JSON")
    args = parser.parse_args(argv)
    db = WORK / "telework.duckdb"
    if args.step:           # in a child process (memory measured by the parent)
        figures = {"prepare": lambda: step_prepare(Path(args.mirror)),
                   "ingest": lambda: step_ingest(db, Path(args.mirror)), "marts": lambda: step_marts(db),
                   "recommend": lambda: step_recommend(db)}[args.step]()
        if args.json:
            Path(args.json).write_text(json.dumps(figures), encoding="utf-8")
        return 0

    from bench.bench_refresh import measured

    WORK.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(args.warehouse, db)
    figures = {}
    for step in ("prepare", "ingest", "marts", "recommend"):
        run = measured(f"telework_{step}", [sys.executable, __file__, "--step", step, "--mirror", args.mirror])
        print(Path(run["log"]).read_text(encoding="utf-8").rstrip())
        print(f"  ({step} : processus {run['wall_s']:.1f} s, mémoire maximale {run['peak_mb']:.0f} Mo)")
        figures[step] = {**(run["figures"] or {}), "process_s": run["wall_s"], "peak_mb": run["peak_mb"]}
        if run["figures"] is None:
            break
    ing, marts, rec = (figures.get(k, {}) for k in ("ingest", "marts", "recommend"))

    def line(label, value, fmt, target, ok):
        shown = fmt.format(value) if value is not None else "échec"
        print(f"  {label:<52} {shown:>12}   {target:>10}   {'ATTEINT' if ok else 'MANQUÉ'}")

    print("\n== Télétravail à l'échelle nationale")
    line(f"fichier détail, {ing.get('rows', 0):,} lignes ingérées".replace(",", " "), ing.get("total_s"), "{:.1f} s",
         "< 60 s", (ing.get("total_s") or 1e9) < TARGETS["ingest_s"])
    line("mémoire maximale de l'ingestion", ing.get("peak_mb"), "{:.0f} Mo", "< 2048 Mo",
         (ing.get("peak_mb") or 1e9) < TARGETS["ingest_mb"])
    line("marts du télétravail (processus dbt)", marts.get("wall_s"), "{:.1f} s", "< 15 s",
         (marts.get("wall_s") or 1e9) < TARGETS["marts_s"])
    line(f"recommandation exacte + gloutonne ({rec.get('n_candidates', 0)} communes, N = 10)", rec.get("total_s"),
         "{:.1f} s", "< 30 s", (rec.get("total_s") or 1e9) < TARGETS["recommend_s"])
    if rec:
        print(f"  écart du glouton à l'optimum : {100 * rec['gap']:.2f} %")
    if args.json:
        Path(args.json).write_text(json.dumps(figures), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
