"""Benchmark of the distance indicators at national scale (~35,000 communes, ~6,500 facilities).

    .venv/bin/python bench/bench_distances.py [--communes 35000] [--tiers-lieux 3600] [--france-services 2900]

It generates a seeded national-scale territory in the raw formats (COG, populations, communes-france,
2019 inventory, France Services, an empty survey file), loads it with the production loader into a
scratch DuckDB file, runs the real dbt models upstream of the access marts (`dbt build` without
tests), and prints the time of each distance model as dbt measured it (run_results.json), their sum
(the target is under 5 s on the 2-core machine), and the wall time. It then checks the grid-pruned
nearest distances against a brute-force search on a sample of communes, among the facilities of each
commune's land mass as the model searches (they must be equal).
Nothing is written in the repository: everything lives in a temporary folder.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ingest.fetch import fetch  # noqa: E402
from ingest.load import load_source  # noqa: E402

DISTANCE_MODELS = ["int_nearest_place", "fct_access_commune", "fct_access_commune_kind", "fct_access_territory",
                   "fct_access_epci"]
DOM = [("971", "01", 16.2, -61.5), ("972", "02", 14.65, -61.0), ("973", "03", 4.5, -53.0),
       ("974", "04", -21.1, 55.5), ("976", "06", -12.8, 45.15)]
TYPOS = (["Tiers lieux à dominante coworking"] * 74 + ["Tiers lieux à dominante fablab"] * 23 + [""] * 3)


def _write(path: Path, header: list[str], rows, sep: str = ",") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, delimiter=sep)
        w.writerow(header)
        w.writerows(rows)
    return path


def generate(out: Path, n_communes: int, n_places: int, n_fs: int, seed: int = 42) -> dict[str, Path]:
    """A seeded national-scale territory: 96 metropolitan départements (clusters of communes around a
    random centre inside the metropolitan bounding box) and the 5 overseas ones."""
    rng = random.Random(seed)
    deps = [(f"{d:02d}", f"{11 + d % 13:02d}", rng.uniform(42.6, 50.8), rng.uniform(-4.3, 7.8))
            for d in range(1, 97) if d != 20]
    deps += [("2A", "94", 41.9, 8.9), ("2B", "94", 42.4, 9.2)] + DOM
    per_dep = n_communes // len(deps)
    communes = []
    for dep, reg, clat, clon in deps:
        n = per_dep if len(dep) < 3 else max(17, per_dep // 10)
        for i in range(1, n + 1):
            code = (dep + f"{i:03d}") if len(dep) == 2 else (dep[:2] + f"{int(dep[2]) * 100 + i:03d}"[-3:])
            lat = clat + rng.gauss(0, 0.28)
            lon = clon + rng.gauss(0, 0.38)
            pop = int(min(400_000, 60 * rng.paretovariate(1.1)))
            canton = f"{dep}{(i - 1) // 17 + 1:02d}" if len(dep) == 2 else f"{dep}{(i - 1) // 17 + 1:02d}"
            epci = f"2{len(communes) // 28:08d}"
            communes.append((code, dep, reg, lat, lon, pop, canton, epci))
    while len(communes) < n_communes:   # top up the metropole to the requested size
        dep, reg, clat, clon = deps[len(communes) % 96]
        i = 500 + len(communes) % 499
        code = dep + f"{i:03d}"
        if any(c[0] == code for c in communes[-600:]):
            break
        communes.append((code, dep, reg, clat + rng.gauss(0, 0.28), clon + rng.gauss(0, 0.38),
                         int(60 * rng.paretovariate(1.1)), f"{dep}{(i - 1) // 17 + 1:02d}", f"2{len(communes) // 28:08d}"))
    files = {}
    files["cog_communes"] = _write(out / "cog.csv", ["TYPECOM", "COM", "REG", "DEP", "LIBELLE", "CAN", "COMPARENT"],
                                   (["COM", c, reg, dep, f"Commune {c}", can, ""]
                                    for c, dep, reg, _, _, _, can, _ in communes))
    files["populations"] = _write(out / "pop.csv", ["CODDEP", "CODCOM", "COM", "PMUN", "PCAP", "PTOT"],
                                  ([dep, c[-3:], f"Commune {c}", p, 0, p] for c, dep, _, _, _, p, _, _ in communes),
                                  sep=";")
    files["communes_geo"] = _write(out / "geo.csv", ["code_insee", "nom_standard", "epci_code", "epci_nom", "canton_code",
                                                     "canton_nom", "latitude_centre", "longitude_centre"],
                                   ([c, f"Commune {c}", e, f"EPCI {e}", can, f"Canton {can}", f"{lat:.6f}", f"{lon:.6f}"]
                                    for c, _, _, lat, lon, _, can, e in communes))
    weights = [c[5] for c in communes]
    hosts = rng.choices(communes, weights=weights, k=n_places)
    files["tierslieux_2019"] = _write(out / "inventaire.csv", ["ID", "NOM_TL", "CP", "INSEECOM", "TYPO", "LAT", "LONG"],
                                      ([str(k), f"Lieu {k}", "00000", h[0], rng.choice(TYPOS),
                                        f"{h[3] + rng.uniform(-0.01, 0.01):.6f}", f"{h[4] + rng.uniform(-0.01, 0.01):.6f}"]
                                       for k, h in enumerate(hosts, start=1)))
    fs_hosts = rng.sample(communes, n_fs)
    files["france_services"] = _write(out / "fs.csv", ["id_fs", "lib_fs", "insee_com", "latitude", "longitude", "type_fs"],
                                      ([str(k), f"France services {h[0]}", h[0], f"{h[3]:.6f}", f"{h[4]:.6f}",
                                        "Antenne" if k % 20 == 0 else "Principal"] for k, h in enumerate(fs_hosts, 1)))
    files["surveys"] = _write(out / "enquete.csv", ["annee", "nom_lieu", "code_commune"], [], sep=";")
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--communes", type=int, default=35_000)
    parser.add_argument("--tiers-lieux", type=int, default=3_600)
    parser.add_argument("--france-services", type=int, default=2_900)
    parser.add_argument("--sample", type=int, default=2_000, help="communes checked against brute force")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="bench_distances_") as tmp_name:
        tmp = Path(tmp_name)
        t0 = time.perf_counter()
        files = generate(tmp / "mirror", args.communes, args.tiers_lieux, args.france_services)
        db = tmp / "bench.duckdb"
        con = duckdb.connect(str(db))
        for source, path in files.items():
            load_source(con, source, [fetch(source, str(path), tmp / "snapshots")])
        n_communes, = con.execute("select count(*) from raw.cog_communes").fetchone()
        n_fac, = con.execute("select (select count(*) from raw.tierslieux_2019) + (select count(*) from raw.france_services)"
                             ).fetchone()
        con.close()
        t_gen = time.perf_counter() - t0
        print(f"Données générées et chargées : {n_communes} communes, {n_fac} équipements ({t_gen:.1f} s)")

        dbt = Path(sys.executable).parent / "dbt"
        target = tmp / "target"
        vars_ = {"territory_name": "Banc d'essai national", "territory_departements": [], "territory_fictional": True,
                 "access_distances_km": [5, 10, 20]}
        selection = ["+" + m for m in DISTANCE_MODELS]
        t0 = time.perf_counter()
        proc = subprocess.run([str(dbt), "build", "--select", *selection, "--exclude-resource-type", "test",
                               "--project-dir", str(ROOT / "dbt_project"), "--profiles-dir", str(ROOT / "dbt_project"),
                               "--target-path", str(target), "--log-path", str(tmp / "logs"), "--threads", "1",
                               "--vars", json.dumps(vars_)],
                              env={**os.environ, "OBSERVATOIRE_BUILD_DB": str(db)}, capture_output=True, text=True)
        wall = time.perf_counter() - t0
        if proc.returncode != 0:
            print(proc.stdout[-4000:], file=sys.stderr)
            return 1
        results = json.loads((target / "run_results.json").read_text(encoding="utf-8"))["results"]
        timing = {r["unique_id"].split(".")[-1]: r["execution_time"] for r in results}
        print("Durée des modèles de distance (mesurée par dbt) :")
        for m in DISTANCE_MODELS:
            print(f"  {m:<26} {timing[m]:6.2f} s")
        total = sum(timing[m] for m in DISTANCE_MODELS)
        print(f"  {'total distances':<26} {total:6.2f} s   (objectif : moins de 5 s)")
        print(f"  {'int_place_placement':<26} {timing['int_place_placement']:6.2f} s   (placement par coordonnées)")
        print(f"dbt build des {len(timing)} nœuds en amont : {wall:.1f} s au total (démarrage de dbt compris)")

        con = duckdb.connect(str(db), read_only=True)
        n_pairs, = con.execute("select count(*) from intermediate.int_nearest_place").fetchone()
        t0 = time.perf_counter()
        diff = con.execute(f"""
            with o as (select commune_code, latitude, longitude, land_mass from marts.dim_commune
                       where latitude is not null order by hash(commune_code) limit {args.sample}),
            t as (select kind, latitude, longitude, land_mass from intermediate.int_access_targets),
            brute as (  -- every target of the commune's land mass, as int_nearest_place searches
                select o.commune_code, t.kind,
                       min(round(2 * 6371.0 * asin(least(1.0, sqrt(power(sin(radians(t.latitude - o.latitude) / 2), 2)
                           + cos(radians(o.latitude)) * cos(radians(t.latitude))
                           * power(sin(radians(t.longitude - o.longitude) / 2), 2)))), 3)) as d
                from o join t using (land_mass) group by all)
            select count(*), count(*) filter (where b.d is distinct from n.nearest_km), max(abs(b.d - n.nearest_km))
            from brute b join intermediate.int_nearest_place n using (commune_code, kind)""").fetchone()
        t_brute = time.perf_counter() - t0
        con.close()
        print(f"Paires commune x type calculées : {n_pairs}")
        print(f"Contrôle force brute sur {args.sample} communes : {diff[0]} paires comparées, {diff[1]} écarts "
              f"(écart max {diff[2] or 0:.3f} km) en {t_brute:.1f} s")
        return 0 if diff[1] == 0 and diff[0] > 0 else 2


if __name__ == "__main__":
    raise SystemExit(main())
