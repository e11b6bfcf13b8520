"""Time the ingestion of the national-size MOBPRO flows file (issue 9 target: 8,000,000 rows < 30 s).

    .venv/bin/python bench/bench_ingest.py [--path FILE] [--engine auto|duckdb|python] [--keep] [--json FILE]

The file is the one ``bench/bench_refresh.py`` generates (``ingest.demo.generator.write_stress_flows``,
``data/bench/mirror-s1-seed2024/stress/base-flux-mobilite-domicile-lieu-travail-2020.csv``, about
7,990,000 rows and 390 MB); it is generated first when missing. The production path is timed: fetch
into an immutable snapshot (sha256), then ``load_source`` into a DuckDB file (reader, contract checks,
rejects, raw tables, manifest). Prints the phases, rows/s and the peak memory of the process (``--json``
also writes the figures; ``make bench`` reads them). Everything lives under ``data/bench/`` (ignored by git).
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

BENCH_DIR = ROOT / "data" / "bench"
TARGET_S = 30.0


def main(argv: list[str] | None = None) -> int:
    from ingest.demo import generator, layout

    default = BENCH_DIR / "mirror-s1-seed2024" / layout.STRESS_FLOWS
    parser = argparse.ArgumentParser(description="Temps d'ingestion du fichier de flux de 8 millions de lignes.")
    parser.add_argument("--path", default=str(default), help=f"fichier de flux (défaut : {default})")
    parser.add_argument("--engine", choices=("auto", "duckdb", "python"), default="auto",
                        help="auto : DuckDB pour les gros CSV (production) ; python : le chemin ligne à ligne")
    parser.add_argument("--keep", action="store_true", help="garde la base et les instantanés produits")
    parser.add_argument("--json", default=None, help="écrit aussi les chiffres dans ce fichier JSON")
    args = parser.parse_args(argv)

    import duckdb

    from ingest.fetch import fetch
    from ingest.load import load_source

    path = Path(args.path)
    if not path.exists():
        print(f"génération du fichier de flux de stress : {path}")
        t0 = time.perf_counter()
        generator.write_stress_flows(BENCH_DIR / "mirror-s1-seed2024")
        print(f"  {time.perf_counter() - t0:.1f} s")
    work = BENCH_DIR / "ingest"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    fast = {"auto": None, "duckdb": True, "python": False}[args.engine]

    t0 = time.perf_counter()
    snap = fetch("mobpro_flows", str(path), work / "snapshots")
    t_fetch = time.perf_counter() - t0
    con = duckdb.connect(str(work / "bench.duckdb"))
    t1 = time.perf_counter()
    result = load_source(con, "mobpro_flows", [snap], fast=fast)
    t_load = time.perf_counter() - t1
    total = t_fetch + t_load
    n_table = con.execute('select count(*) from raw."mobpro_flows"').fetchone()[0]
    n_rejects = con.execute('select count(*) from raw."mobpro_flows_rejects"').fetchone()[0]
    con.close()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    f = result.files[0]
    print(f"fichier : {path} ({snap.bytes / 1e6:.0f} Mo)")
    print(f"moteur : {f.engine} ; encodage {f.encoding}, séparateur {f.separator!r}")
    print(f"lignes lues {result.rows_read:,}, chargées {result.rows_loaded:,}, rejetées {result.rows_rejected:,} "
          f"(table {n_table:,}, rejets {n_rejects:,})".replace(",", " "))
    print(f"instantané (copie + sha256) : {t_fetch:.1f} s")
    print(f"lecture, contrôles du contrat, tables raw : {t_load:.1f} s")
    print(f"total : {total:.1f} s, soit {result.rows_read / total:,.0f} lignes/s".replace(",", " "))
    print(f"objectif : < {TARGET_S:.0f} s pour 8 000 000 lignes -> {'ATTEINT' if total < TARGET_S else 'MANQUÉ'}")
    print(f"mémoire maximale du processus : {peak_mb:.0f} Mo")
    assert result.rows_read == result.rows_loaded + result.rows_rejected == n_table + n_rejects
    if args.json:
        Path(args.json).write_text(json.dumps({
            "rows_read": result.rows_read, "rows_rejected": result.rows_rejected, "bytes": snap.bytes,
            "fetch_s": t_fetch, "load_s": t_load, "total_s": total}), encoding="utf-8")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
