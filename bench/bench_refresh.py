"""National-scale benchmark of the observatory: each target of the refresh issue measured on this machine.

    make bench        # = .venv/bin/python bench/bench_refresh.py [--skip-stress] [--skip-real] [--regenerate]
                      #                                          [--scale 1] [--seed 2024] [--json FILE]

Everything lives under ``data/bench/`` (ignored by git):

1. the fictional France of ``ingest/demo`` (``generator.write_mirror(territory="national")``: about 35,000
   communes, 1,000,000 commuting flows, 3,500 tiers-lieux, 2,900 France Services, two survey waves) and
   the 8,000,000-row flows file, written once and reused while ``ingest/demo`` is unchanged;
2. **full refresh**, from scratch: the job ``refresh_all`` (``orchestration.run.refresh``) in a child
   process; the figure is the process's wall time (Python, Dagster definitions, the job);
3. **survey-only refresh**: a new survey wave (2026) dropped in the inbox folder, the job
   ``refresh_surveys`` in a child process; the figure is the Dagster run's duration;
4. **peak memory**: resident memory of the child process and its subprocesses (dbt), sampled every
   50 ms, the larger of the two refreshes;
5. **dashboard**: ``bench/bench_dashboard.py`` on the published warehouse, worst page p95;
6. **pandas**: ``bench/pandas_baseline.py`` computes five indicators from the same files; its results
   are compared with the warehouse's, and the ratio is pandas' time over the warehouse's time from the
   files (ingestion of the six sources they read + the dbt models upstream of their marts, as the full
   refresh measured them);
7. context, no target: the 8M-row flows file ingested alone (``bench/bench_ingest.py``), and the full
   build of the real public files of ``../shared/data`` when that folder exists.

Wall-clock times on a shared machine: other processes slow them down; compare runs made on a quiet machine.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

BENCH_DIR = ROOT / "data" / "bench"
PAGE = os.sysconf("SC_PAGE_SIZE")

TARGET_REFRESH_S = 60.0
TARGET_SURVEY_S = 20.0
TARGET_MEMORY_MB = 2048.0
TARGET_PAGE_P95_MS = 100.0
TARGET_FROM_FILES_RATIO = 0.27      # not worse than the ratio measured when the refresh was simplified

# What bench/pandas_baseline.py reads and computes, and the same indicators in the published marts.
PANDAS_SOURCES = ("cog_communes", "populations", "communes_geo", "tierslieux_2019", "france_services", "mobpro_flows")
PANDAS_MARTS = ("fct_coverage_epci", "fct_coverage_canton", "fct_commuting_epci", "fct_access_commune")
WAREHOUSE_INDICATORS = {   # name: (SQL, key, compared columns, relative tolerance)
    "coverage_epci": ("select epci_code, n_tiers_lieux, tiers_lieux_per_10k from marts.fct_coverage_epci",
                      "epci_code", ("n_tiers_lieux", "tiers_lieux_per_10k"), 1e-9),
    "coverage_canton": ("select canton_code, n_france_services from marts.fct_coverage_canton",
                        "canton_code", ("n_france_services",), 0),
    "cantons_without_fs": ("select canton_code from marts.fct_coverage_canton where not has_france_services",
                           "canton_code", (), 0),
    "commuting_epci": ("select epci_code, commuters_out_of_epci from marts.fct_commuting_epci",
                       "epci_code", ("commuters_out_of_epci",), 1e-9),
    "access_commune": ("select commune_code, nearest_tiers_lieu_km, nearest_france_services_km "
                       "from marts.fct_access_commune",
                       "commune_code", ("nearest_tiers_lieu_km", "nearest_france_services_km"), 0.0011),
}



def session_rss(sid: int) -> int:
    """Resident memory (bytes) of the processes of session ``sid`` (a child started by this script and
    the subprocesses it starts, such as dbt)."""
    total = 0
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                with open(f"/proc/{entry.name}/stat", "rb") as fh:
                    fields = fh.read().rsplit(b")", 1)[1].split()
            except (OSError, IndexError):
                continue
            if int(fields[3]) == sid:          # fields 6 (session) and 24 (rss) of proc(5)
                total += int(fields[21]) * PAGE
    return total


def measured(name: str, cmd: list[str], env: dict | None = None) -> dict:
    """Run ``cmd --json data/bench/<name>.json`` in a new session (log in data/bench/<name>.log): its wall
    time, peak memory and the figures it wrote (None when it failed before writing them)."""
    out, log = BENCH_DIR / f"{name}.json", BENCH_DIR / f"{name}.log"
    out.unlink(missing_ok=True)
    with log.open("w", encoding="utf-8") as fh:
        t0 = time.perf_counter()
        proc = subprocess.Popen([*cmd, "--json", str(out)], cwd=ROOT, stdout=fh, stderr=subprocess.STDOUT,
                                start_new_session=True,
                                env={**{k: v for k, v in os.environ.items() if k != "DAGSTER_HOME"}, **(env or {})})
        peak = 0
        try:
            while proc.poll() is None:
                peak = max(peak, session_rss(proc.pid))
                time.sleep(0.05)
        finally:
            if proc.poll() is None:            # interrupted: stop the child's session, nothing else
                os.killpg(proc.pid, signal.SIGKILL)
    figures = json.loads(out.read_text(encoding="utf-8")) if out.exists() else None
    if figures is None:
        print(f"  ÉCHEC (journal : {log})")
    return {"wall_s": time.perf_counter() - t0, "peak_mb": peak / 2**20, "log": str(log), "figures": figures}


def run_job(name: str, job: str, config: Path) -> dict:
    """The Dagster job ``job`` run in a child process by ``orchestration.run.refresh`` (see :func:`child`)."""
    run = measured(name, [sys.executable, __file__, "--child-job", job, "--config", str(config)],
                   env={"OBSERVATOIRE_CONFIG": str(config)})
    run.update(run.pop("figures") or {"success": False})
    if run.get("failure"):
        print(f"  ÉCHEC de {job} (journal : {run['log']})\n    " + run["failure"].replace("\n", "\n    "))
    return run


def child(job: str, config: str, out: str) -> int:
    """In the child process: build the definitions, run ``job`` with an ephemeral Dagster instance, write
    the durations (definitions, job, each step) and the run's id as JSON."""
    import dagster as dg

    from ingest.config import load_settings
    from orchestration.definitions import build_definitions
    from orchestration.run import failure_message, refresh

    settings = load_settings(config)
    instance = dg.DagsterInstance.ephemeral()
    t0 = time.perf_counter()
    defs = build_definitions(settings)
    t1 = time.perf_counter()
    result = refresh(config, instance=instance, job_name=job, defs=defs)
    steps: dict[str, float] = {}
    for stats in instance.get_run_step_stats(result.run_id):
        if stats.start_time and stats.end_time:
            steps[stats.step_key] = steps.get(stats.step_key, 0.0) + stats.end_time - stats.start_time
    Path(out).write_text(json.dumps({
        "success": result.success, "definitions_s": t1 - t0, "job_s": time.perf_counter() - t1,
        "run_id": result.run_id, "steps": steps,
        "failure": "" if result.success else failure_message(settings, result)}), encoding="utf-8")
    return 0



def prepare_mirror(scale: float, seed: int, regenerate: bool, stress: bool) -> Path:
    """The national mirror (and the 8M-row flows file), written again when ``ingest/demo`` changed."""
    from ingest.demo import generator, layout

    mirror = BENCH_DIR / f"mirror-s{scale:g}-seed{seed}"
    code = hashlib.sha256(b"".join(p.read_bytes() for p in sorted((ROOT / "ingest" / "demo").glob("*.py"))))
    stamp = mirror / "generator.sha256"
    if regenerate or not stamp.exists() or stamp.read_text().strip() != code.hexdigest():
        shutil.rmtree(mirror, ignore_errors=True)
        t0 = time.perf_counter()
        generator.write_mirror(mirror, seed=seed, territory="national", scale=scale, log=lambda m: print(f"  {m}"))
        print(f"  territoire national écrit en {time.perf_counter() - t0:.1f} s")
        stamp.write_text(code.hexdigest() + "\n")
    if stress and not (mirror / layout.STRESS_FLOWS).exists():
        t0 = time.perf_counter()
        generator.write_stress_flows(mirror, seed=seed, scale=scale)
        print(f"  fichier de flux de stress écrit en {time.perf_counter() - t0:.1f} s")
    truth = json.loads((mirror / layout.TRUTH).read_text(encoding="utf-8"))
    print(f"  {mirror} : {truth['n_communes']} communes, {truth['n_epci']} EPCI, {truth['n_cantons']} cantons, "
          f"{truth['flows']['n_rows']} flux, {truth['n_places']} tiers-lieux, {truth['n_france_services']} France "
          "Services")
    return mirror


def write_config(mirror: Path, run_dir: Path) -> Path:
    """All of France read from the mirror (every source at its ``demo`` location), with an inbox folder."""
    cfg = run_dir / "national.toml"
    cfg.write_text(f"""deployment = "demo"

[territory]
name = "France fictive - banc d'essai national"
departements = []
fictional = true

[paths]
mirror = "{mirror}"
warehouse = "{run_dir / 'warehouse'}"
snapshots = "{run_dir / 'snapshots'}"

[inbox]
path = "{run_dir / 'inbox'}"
""", encoding="utf-8")
    return cfg


def write_new_wave(mirror: Path, inbox: Path) -> Path:
    """Wave 2026: the 2025 answers one year later, in the same format, one place in 50 declaring another
    type (coworking <-> fablab), as a real new wave does."""
    from ingest.demo import layout

    with (mirror / layout.SURVEYS["2025"]).open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh, delimiter=";"))
    year, kind = rows[0].index("annee"), rows[0].index("type_lieu")
    for i, row in enumerate(rows[1:]):
        row[year] = "2026"
        if i % 50 == 0:
            row[kind] = "fablab" if row[kind] == "coworking" else "coworking"
    inbox.mkdir(parents=True, exist_ok=True)
    path = inbox / "enquete_2026.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh, delimiter=";", lineterminator="\r\n").writerows(rows)
    return path


def dbt_results(run_id: str) -> tuple[list[dict], dict]:
    """The results (run_results.json) and manifest of the dbt invocation of a Dagster run."""
    from orchestration.report import DBT_TARGET

    for folder in sorted(DBT_TARGET.glob(f"*-{run_id[:7]}-*"), key=lambda p: p.stat().st_mtime, reverse=True):
        if (folder / "run_results.json").exists() and (folder / "manifest.json").exists():
            return (json.loads((folder / "run_results.json").read_text(encoding="utf-8"))["results"],
                    json.loads((folder / "manifest.json").read_text(encoding="utf-8")))
    return [], {}


def print_phases(run: dict) -> tuple[dict[str, float], list[dict], dict]:
    """Print where a job's time went (Dagster steps, dbt nodes); return (ingestion per source, dbt results,
    manifest)."""
    steps = run["steps"]
    checks = sum(v for k, v in steps.items() if k.endswith("great_expectations") or k == "marts_row_count")
    ingest = {k.split("__", 1)[1]: v for k, v in steps.items()
              if k.startswith("raw__") and not k.endswith("great_expectations")}
    dbt = sum(v for k, v in steps.items() if "dbt" in k)
    publish = sum(v for k, v in steps.items() if k.startswith("warehouse__"))
    print(f"  définitions Dagster {run['definitions_s']:.1f} s, job {run['job_s']:.1f} s : ingestion "
          f"{sum(ingest.values()):.1f} s ({len(ingest)} source{'s' * (len(ingest) > 1)}), dbt build {dbt:.1f} s, contrôles Great Expectations "
          f"et nombres de lignes {checks:.1f} s, publication {publish:.1f} s")
    results, manifest = dbt_results(run["run_id"])
    if results:
        spent = {kind: sum(r["execution_time"] or 0 for r in results if r["unique_id"].startswith(kind + "."))
                 for kind in ("model", "test")}
        slow = sorted((r for r in results if r["unique_id"].startswith("model.")), key=lambda r: -r["execution_time"])
        print(f"  dbt : {sum(r['unique_id'].startswith('model.') for r in results)} modèles {spent['model']:.1f} s, "
              f"{sum(r['unique_id'].startswith('test.') for r in results)} tests {spent['test']:.1f} s (somme des "
              "nœuds) ; les plus lents : " + ", ".join(f"{r['unique_id'].split('.')[-1]} {r['execution_time']:.1f} s"
                                                       for r in slow[:4]))
        span = node_span(results)
        if span is not None:
            print(f"  dbt : du premier au dernier nœud {span:.1f} s sur {dbt:.1f} s ; le reste ({dbt - span:.1f} s) est "
                  "le coût fixe de l'étape (dbt --version et adaptateur chargés par dagster-dbt, import et analyse "
                  "du projet par le processus dbt, événements Dagster)")
    return ingest, results, manifest


def node_span(results: list[dict]) -> float | None:
    """Seconds from the first dbt node's start to the last node's end (run_results.json timings)."""
    starts, ends = [], []
    for r in results:
        for t in r.get("timing", []):
            if t.get("started_at") and t.get("completed_at"):
                starts.append(datetime.fromisoformat(t["started_at"].replace("Z", "+00:00")))
                ends.append(datetime.fromisoformat(t["completed_at"].replace("Z", "+00:00")))
    return (max(ends) - min(starts)).total_seconds() if starts else None


def tool_costs(runs: int = 3) -> dict[str, float]:
    """The fixed cost of the tools a refresh starts, whatever the data (median of ``runs`` wall times):
    ``dbt --version`` (run by dagster-dbt before each dbt command), importing dbt (the dbt process),
    importing Great Expectations (the first raw-source check of a run), importing the project's Dagster
    definitions (every refresh process)."""
    dbt = str(Path(sys.executable).parent / "dbt")
    commands = {
        "dbt --version": [dbt, "--version"],
        "import dbt": [sys.executable, "-c", "import dbt.cli.main"],
        "import great_expectations": [sys.executable, "-c", "import great_expectations"],
        "import orchestration.definitions": [sys.executable, "-c", "import orchestration.definitions"],
    }
    costs = {}
    for label, cmd in commands.items():
        times = []
        for _ in range(runs):
            t0 = time.perf_counter()
            subprocess.run(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
            times.append(time.perf_counter() - t0)
        costs[label] = sorted(times)[len(times) // 2]
    return costs


def from_files_s(ingest: dict[str, float], results: list[dict], manifest: dict) -> float | None:
    """The warehouse's time from the files for pandas' indicators: ingestion of their sources plus the dbt
    models (and seeds) their marts are built from."""
    nodes = manifest.get("nodes", {})
    todo = [uid for uid, n in nodes.items() if n.get("resource_type") == "model" and n["name"] in PANDAS_MARTS]
    upstream: set[str] = set()
    while todo:
        uid = todo.pop()
        if uid in nodes and uid not in upstream:
            upstream.add(uid)
            todo.extend(nodes[uid].get("depends_on", {}).get("nodes", []))
    if not upstream:
        return None
    return (sum(ingest.get(s, 0.0) for s in PANDAS_SOURCES)
            + sum(r["execution_time"] or 0 for r in results if r["unique_id"] in upstream))


def compare_with_pandas(published: Path, results_dir: Path) -> list[str]:
    """Differences between the warehouse's indicators and pandas' (empty: the same figures)."""
    import duckdb
    import pandas as pd

    problems = []
    con = duckdb.connect(str(published), read_only=True)
    try:
        for name, (sql, key, columns, tol) in WAREHOUSE_INDICATORS.items():
            ours = con.execute(sql).df().set_index(key)
            theirs = pd.read_parquet(results_dir / f"{name}.parquet").set_index(key)
            if set(ours.index) != set(theirs.index):
                problems.append(f"{name} : {len(ours)} lignes dans l'entrepôt, {len(theirs)} avec pandas, "
                                f"{len(ours.index.intersection(theirs.index))} en commun")
            common = ours.index.intersection(theirs.index)
            for col in columns:
                x, y = (pd.to_numeric(f.loc[common, col], errors="coerce").astype(float) for f in (ours, theirs))
                bad = ((x - y).abs() > tol * y.abs().clip(lower=1.0)) | (x.isna() != y.isna())
                if bad.any():
                    problems.append(f"{name}.{col} : {int(bad.sum())} valeurs différentes (ex. {bad[bad].index[0]} :"
                                    f" {x[bad].iloc[0]} dans l'entrepôt, {y[bad].iloc[0]} avec pandas)")
    except Exception as exc:   # a mart renamed meanwhile: say it, keep the other figures
        problems.append(f"comparaison impossible : {exc}")
    finally:
        con.close()
    return problems


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo", encoding="utf-8")
                if line.startswith("model name")), platform.machine())
    ram = PAGE * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cœurs ({cpu}), {ram:.0f} Go de RAM, Python {platform.python_version()}"


def verdict(value: float | None, target: float, below: bool = True) -> str:
    if value is None:
        return "NON MESURÉ"
    return "ATTEINT" if (value < target if below else value >= target) else "MANQUÉ"



def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Banc d'essai national : chaque objectif mesuré sur cette machine.")
    parser.add_argument("--scale", type=float, default=1.0, help="échelle du territoire (1 = France entière)")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--regenerate", action="store_true", help="réécrit le territoire national")
    parser.add_argument("--skip-stress", action="store_true", help="sans le fichier de flux de 8 millions de lignes")
    parser.add_argument("--skip-real", action="store_true", help="sans les fichiers publics réels de ../shared/data")
    parser.add_argument("--json", default=None, help="écrit aussi les chiffres dans ce fichier JSON")
    parser.add_argument("--child-job", help=argparse.SUPPRESS)
    parser.add_argument("--config", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child_job:
        return child(args.child_job, args.config, args.json)

    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    figures: dict = {"date": datetime.now().isoformat(timespec="seconds"), "machine": machine()}
    print(f"Banc d'essai national — {figures['date']}\nMachine : {figures['machine']}")
    print("Temps d'horloge sur une machine partagée : d'autres processus en cours les ralentissent "
          f"(charge moyenne sur 1 min au départ : {os.getloadavg()[0]:.1f}).\n")
    print("== Territoire national fictif")
    mirror = prepare_mirror(args.scale, args.seed, args.regenerate, not args.skip_stress)
    run_dir = BENCH_DIR / "run"
    shutil.rmtree(run_dir, ignore_errors=True)
    run_dir.mkdir(parents=True)
    cfg = write_config(mirror, run_dir)
    published = run_dir / "warehouse" / "observatoire.duckdb"

    print("\n== Rafraîchissement complet (job refresh_all), sans publication antérieure")
    full = figures["full_refresh"] = run_job("full_refresh", "refresh_all", cfg)
    print(f"  durée du processus {full['wall_s']:.1f} s, mémoire maximale {full['peak_mb']:.0f} Mo")
    files_s = from_files_s(*print_phases(full)) if full["success"] else None

    survey = pages = pandas = stress = real = None
    if full["success"]:
        print("\n== Rafraîchissement des seules enquêtes (job refresh_surveys) : nouvelle vague dans la boîte de réception")
        new = write_new_wave(mirror, run_dir / "inbox")
        survey = figures["survey_refresh"] = run_job("survey_refresh", "refresh_surveys", cfg)
        if survey["success"]:
            print(f"  {new.name} : durée du job {survey['job_s']:.1f} s (processus {survey['wall_s']:.1f} s), "
                  f"mémoire maximale {survey['peak_mb']:.0f} Mo")
            print_phases(survey)

        print("\n== Coût fixe des outils, sans aucune donnée (médiane de 3 lancements)")
        costs = figures["tool_costs_s"] = tool_costs()
        print("  " + ", ".join(f"{label} {value:.1f} s" for label, value in costs.items()))
        print("  Un rafraîchissement paie dbt --version et l'import de dbt une fois par étape dbt, l'import de Great "
              "Expectations une fois ; s'y ajoutent l'analyse du projet par dbt et le chargement de l'adaptateur "
              "par dagster-dbt (docs/benchmark.md).")

        print("\n== Pages du tableau de bord sur l'entrepôt national publié (bench/bench_dashboard.py)")
        pages = figures["dashboard_ms"] = measured("dashboard", [sys.executable, "bench/bench_dashboard.py",
                                                                 "--config", str(cfg), "--runs", "3"])["figures"]
        for name, p in (pages or {}).items():
            print(f"  {name:<40} p50 {p['p50_ms']:6.1f} ms   p95 {p['p95_ms']:6.1f} ms   max {p['max_ms']:6.1f} ms")

    print("\n== Mêmes indicateurs avec pandas (bench/pandas_baseline.py), à partir des mêmes fichiers")
    results_dir = BENCH_DIR / "pandas_results"
    shutil.rmtree(results_dir, ignore_errors=True)
    pandas_run = measured("pandas", [sys.executable, "bench/pandas_baseline.py", "--mirror", str(mirror),
                                     "--results", str(results_dir)])
    if pandas_run["figures"] and files_s:
        pandas = figures["pandas"] = {"pandas_s": pandas_run["figures"]["total"], "warehouse_from_files_s": files_s,
                                      "differences": compare_with_pandas(published, results_dir)}
        print(f"  pandas {pandas['pandas_s']:.1f} s ; entrepôt depuis les fichiers (ingestion des "
              f"{len(PANDAS_SOURCES)} sources lues + modèles dbt en amont des {len(PANDAS_MARTS)} marts) "
              f"{files_s:.1f} s : rapport {pandas['pandas_s'] / files_s:.2f}x")
        print("  résultats : " + ("identiques à ceux de l'entrepôt (comptes exacts, distances au mètre près)"
                                  if not pandas["differences"] else "DIFFÉRENTS\n    " + "\n    ".join(pandas["differences"])))

    if not args.skip_stress:
        from ingest.demo import layout

        print("\n== Ingestion seule du fichier de flux de 8 millions de lignes (bench/bench_ingest.py)")
        stress = figures["stress_flows"] = measured("ingest", [sys.executable, "bench/bench_ingest.py", "--path",
                                                               str(mirror / layout.STRESS_FLOWS)])
        if stress["figures"]:
            s = stress["figures"]
            print(f"  {s['rows_read']} lignes ({s['rows_rejected']} rejetées) : archive {s['fetch_s']:.1f} s + contrat "
                  f"et chargement {s['load_s']:.1f} s = {s['total_s']:.1f} s, mémoire maximale {stress['peak_mb']:.0f} Mo")

    if not args.skip_stress and full["success"]:
        print("\n== Télétravail : fichier détail de 9 millions de lignes, marts, recommandation (bench/bench_telework.py)")
        telework = measured("telework", [sys.executable, "bench/bench_telework.py", "--warehouse", str(published),
                                         "--mirror", str(mirror)])
        figures["telework"] = telework["figures"]
        print("  " + Path(telework["log"]).read_text(encoding="utf-8").rstrip().replace("\n", "\n  "))

    if not args.skip_real:
        from tests.conftest import SHARED_DATA, real_config

        print(f"\n== Fichiers publics réels ({SHARED_DATA}, config/shared-data.toml), sans publication antérieure")
        if SHARED_DATA.is_dir():
            shutil.rmtree(BENCH_DIR / "real", ignore_errors=True)
            (BENCH_DIR / "real").mkdir(parents=True)
            real = figures["real_files"] = run_job("real_files", "refresh_all", real_config(BENCH_DIR / "real"))
            print(f"  durée du processus {real['wall_s']:.1f} s, mémoire maximale {real['peak_mb']:.0f} Mo")
        else:
            print("  non mesuré : dossier absent")

    full_s = full["wall_s"] if full["success"] else None
    survey_s = survey["job_s"] if survey and survey["success"] else None
    peak = max(r["peak_mb"] for r in (full, survey) if r)
    p95 = max(p["p95_ms"] for p in pages.values()) if pages else None
    ratio = pandas["pandas_s"] / pandas["warehouse_from_files_s"] if pandas else None
    rows = [
        ("rafraîchissement national complet", full_s, "{:.1f} s", f"< {TARGET_REFRESH_S:.0f} s",
         verdict(full_s, TARGET_REFRESH_S)),
        ("rafraîchissement des seules enquêtes", survey_s, "{:.1f} s", f"< {TARGET_SURVEY_S:.0f} s",
         verdict(survey_s, TARGET_SURVEY_S)),
        ("mémoire maximale des rafraîchissements", peak, "{:.0f} Mo", f"< {TARGET_MEMORY_MB:.0f} Mo",
         verdict(peak, TARGET_MEMORY_MB)),
        ("pages du tableau de bord, pire p95", p95, "{:.0f} ms", f"< {TARGET_PAGE_P95_MS:.0f} ms",
         verdict(p95, TARGET_PAGE_P95_MS)),
        ("pandas / entrepôt depuis les fichiers", ratio, "{:.2f}x", f">= {TARGET_FROM_FILES_RATIO:.2f}x",
         verdict(ratio, TARGET_FROM_FILES_RATIO, below=False)),
    ]
    if stress:
        rows.append(("ingestion seule des 8 M de lignes de flux", (stress["figures"] or {}).get("total_s"),
                     "{:.1f} s", "—", "pour information"))
    if real:
        rows.append(("fichiers publics réels, construction complète", real["wall_s"] if real["success"] else None,
                     "{:.1f} s, " + f"{real['peak_mb']:.0f} Mo", "—", "pour information"))
    print(f"\n== Résumé (charge moyenne sur 1 min à la fin : {os.getloadavg()[0]:.1f})")
    for label, value, fmt, target, status in rows:
        print(f"  {label:<46} {fmt.format(value) if value is not None else 'échec':>17}   {target:>10}   {status}")
    figures["summary"] = [(label, value, target, status) for label, value, _, target, status in rows]
    if args.json:
        Path(args.json).write_text(json.dumps(figures, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
