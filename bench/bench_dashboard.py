"""Benchmark: the dashboard's page queries on a national-scale published warehouse.

    .venv/bin/python bench/bench_dashboard.py --config config/shared-data.toml [--runs 30] [--json FILE]

Runs the queries the pages issue (the same functions the pages call, with the Streamlit cache
bypassed so each call hits the warehouse) for several territories of each level, times every single
query and prints p50/p95/max in milliseconds per page (``--json`` also writes them; ``make bench`` reads
them); the target is p95 < 100 ms per query.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", default="config/shared-data.toml")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--json", default=None, help="écrit aussi p50/p95/max de chaque page dans ce fichier JSON")
    args = parser.parse_args()
    os.environ["OBSERVATOIRE_CONFIG"] = args.config

    import logging
    import warnings
    warnings.filterwarnings("ignore")
    logging.disable(logging.WARNING)  # Streamlit bare-mode warnings
    from dashboards import data
    # Measure the queries themselves: bypass the Streamlit cache (each call hits the warehouse).
    timings: list[float] = []

    def timed(sql, params, signature):
        start = time.perf_counter()
        try:
            return data._run(sql, params, signature)
        finally:
            timings.append((time.perf_counter() - start) * 1000)

    data._query = timed  # type: ignore[assignment]
    from dashboards import territory as terr
    from dashboards.data import query

    views = {name: importlib.import_module(f"dashboards.views.{name}") for name in
             ("synthese", "carte", "fiche", "frequentation", "financements", "economie", "mobilites", "teletravail",
              "annuaire", "methodologie")}
    n = query("select count(*) as n from marts.dim_commune").n[0]
    print(f"Entrepôt : {data.warehouse_path()} — {n} communes")

    samples = {}
    for level in ("region", "departement", "epci", "commune"):
        names = terr._names(level)
        step = max(1, len(names) // 5)
        samples[level] = [terr.resolve(level, str(c)) for c in names.code.iloc[::step].head(5)]
    samples["france"] = [terr.resolve("france", None)]

    def render(module, territory):
        """The page's own render(), run in Streamlit bare mode with the territory selector fixed."""
        module.select_territory = lambda *args, **kwargs: territory
        module.render()

    pages = {name: (lambda t, m=module: render(m, t)) for name, module in views.items()}
    pages["selecteur (noms du niveau)"] = lambda t: terr._names(t.level if t.level != "france" else "region")
    print(f"{'page':40s} {'p50 ms':>8s} {'p95 ms':>8s} {'max ms':>8s}  objectif p95 < 100 ms par requête")
    for fn in pages.values():  # warm-up (first query on a connection loads the catalog), not measured
        for t in samples["epci"][:1]:
            fn(t)
    worst, figures = 0.0, {}
    for name, fn in pages.items():
        times = []
        for _ in range(args.runs):
            for level, ts in samples.items():
                if name == "fiche" and level != "epci" or name == "methodologie" and level != "france":
                    continue
                for t in ts:
                    timings.clear()
                    fn(t)
                    times.extend(timings)
        times.sort()
        p95 = times[int(0.95 * (len(times) - 1))]
        worst = max(worst, p95)
        figures[name] = {"p50_ms": statistics.median(times), "p95_ms": p95, "max_ms": times[-1]}
        print(f"{name:40s} {statistics.median(times):8.1f} {p95:8.1f} {times[-1]:8.1f}  "
              f"{'OK' if p95 < 100 else 'TROP LENT'}")
    if args.json:
        Path(args.json).write_text(json.dumps(figures, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0 if worst < 100 else 1


if __name__ == "__main__":
    raise SystemExit(main())
