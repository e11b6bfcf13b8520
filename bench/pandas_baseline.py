"""The indicators of the warehouse computed the way an analyst would, with pandas, from the same files.

    .venv/bin/python bench/pandas_baseline.py --mirror data/bench/mirror-s1-seed2024 [--results DIR] [--json FILE]

It reads the published CSV files of a mirror (the demo or the national benchmark territory) with
``pandas.read_csv`` and computes, with ordinary pandas/numpy code (merges, group-bys, a chunked
haversine for the distances, no spatial index):

1. tiers-lieux per EPCI and per 10,000 inhabitants (a place published with the inventory's ``0``
   sentinel is put in the commune whose centre is nearest; arrondissements count in their city);
2. France Services per canton;
3. the cantons without any France Services;
4. the active workers commuting out of their EPCI (flows to another EPCI or abroad);
5. for every commune, the straight-line distance to the nearest tiers-lieu and France Services of its
   land mass (each overseas département, Corsica, the mainland).

It prints the time of each step (reading the files, then each indicator) and, with ``--json``, writes
them as JSON; with ``--results``, it writes each indicator as a Parquet file so that
``bench/bench_refresh.py`` can check that the warehouse gives the same figures.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ingest.demo.layout import COG, FLOWS, FS, GEO, INV, POP  # noqa: E402  (the mirror's layout)


def haversine_km(lat1, lon1, lat2, lon2):
    lat1, lon1, lat2, lon2 = map(np.radians, (lat1, lon1, lat2, lon2))
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * np.arcsin(np.sqrt(np.minimum(a, 1.0)))


def nearest_km(lat, lon, target_lat, target_lon, chunk: int = 1000) -> np.ndarray:
    """Distance from each point to the nearest target, by brute force in chunks (what a notebook does)."""
    out = np.empty(len(lat))
    for start in range(0, len(lat), chunk):
        d = haversine_km(lat[start:start + chunk, None], lon[start:start + chunk, None],
                         target_lat[None, :], target_lon[None, :])
        out[start:start + chunk] = d.min(axis=1)
    return out


def run(mirror: Path) -> tuple[dict, dict[str, pd.DataFrame]]:
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    cog = pd.read_csv(mirror / COG, dtype=str, keep_default_na=False)
    pop = pd.read_csv(mirror / POP, sep=";", dtype={"CODDEP": str, "CODCOM": str, "CODCAN": str})
    geo = pd.read_csv(mirror / GEO, dtype={"code_insee": str, "epci_code": str, "canton_code": str,
                                           "dep_code": str, "reg_code": str, "code_postal": str,
                                           "zone_emploi": str, "code_insee_centre_zone_emploi": str})
    tl = pd.read_csv(mirror / INV, dtype={"INSEECOM": str, "CP": str, "INSEEDEP": str, "INSEE_ZE": str})
    fs = pd.read_csv(mirror / FS, dtype={"insee_com": str, "insee_dep": str, "code_postal": str})
    flows = pd.read_csv(mirror / FLOWS, sep=";", dtype={"CODGEO": str, "DCLT": str})
    timings["lecture des fichiers CSV"] = time.perf_counter() - t0

    # The commune referential: COG communes + populations + coordinates and EPCI.
    t = time.perf_counter()
    communes = cog[cog["TYPECOM"] == "COM"][["COM", "CAN", "DEP"]].rename(columns={"COM": "commune_code",
                                                                                   "CAN": "canton_code"})
    # Land mass: a commune is served by facilities of its own (each overseas département, Corsica, the mainland).
    communes["land_mass"] = np.where(communes["DEP"].str.len() == 3, communes["DEP"],
                                     np.where(communes["DEP"].isin(["2A", "2B"]), "corse", "metropole"))
    pop["commune_code"] = np.where(pop["CODDEP"].str.len() == 3, pop["CODDEP"].str[:2] + pop["CODCOM"],
                                   pop["CODDEP"] + pop["CODCOM"])
    communes = communes.merge(pop[["commune_code", "PMUN"]], on="commune_code", how="left")
    communes = communes.merge(geo[["code_insee", "epci_code", "latitude_centre", "longitude_centre"]]
                              .rename(columns={"code_insee": "commune_code"}), on="commune_code", how="left")
    parent = cog[cog["TYPECOM"].isin(["ARM", "COMD", "COMA"])].set_index("COM")["COMPARENT"]
    parent = parent[~parent.index.duplicated()]
    known = set(communes["commune_code"])

    def to_commune(codes: pd.Series) -> pd.Series:
        return codes.map(parent).fillna(codes)

    timings["référentiel des communes"] = time.perf_counter() - t

    # 1. Tiers-lieux per EPCI per 10,000 inhabitants.
    t = time.perf_counter()
    tl["commune_code"] = to_commune(tl["INSEECOM"].astype(str))
    lost = ~tl["commune_code"].isin(known)
    if lost.any():
        has = communes.dropna(subset=["latitude_centre"])
        d = haversine_km(tl.loc[lost, "LAT"].to_numpy()[:, None], tl.loc[lost, "LONG"].to_numpy()[:, None],
                         has["latitude_centre"].to_numpy()[None, :], has["longitude_centre"].to_numpy()[None, :])
        tl.loc[lost, "commune_code"] = has["commune_code"].to_numpy()[d.argmin(axis=1)]
    tl = tl.merge(communes[["commune_code", "epci_code"]], on="commune_code", how="left")
    epci = communes.groupby("epci_code").agg(population=("PMUN", "sum")).reset_index()
    counts = tl.groupby("epci_code").size().rename("n_tiers_lieux").reset_index()
    epci = epci.merge(counts, on="epci_code", how="left").fillna({"n_tiers_lieux": 0})
    epci["n_tiers_lieux"] = epci["n_tiers_lieux"].astype(int)
    epci["tiers_lieux_per_10k"] = epci["n_tiers_lieux"] * 10000 / epci["population"]
    timings["1. tiers-lieux par EPCI (pour 10 000 hab.)"] = time.perf_counter() - t

    # 2. France Services per canton; 3. cantons without any.
    t = time.perf_counter()
    fs["commune_code"] = to_commune(fs["insee_com"])
    fs = fs.merge(communes[["commune_code", "canton_code"]], on="commune_code", how="left")
    cantons = communes.loc[communes["canton_code"] != "", ["canton_code"]].drop_duplicates()
    per_canton = fs[fs["canton_code"].fillna("") != ""].groupby("canton_code").size().rename("n_france_services")
    cantons = cantons.merge(per_canton.reset_index(), on="canton_code", how="left").fillna({"n_france_services": 0})
    cantons["n_france_services"] = cantons["n_france_services"].astype(int)
    timings["2. France Services par canton"] = time.perf_counter() - t
    t = time.perf_counter()
    without = cantons.loc[cantons["n_france_services"] == 0, ["canton_code"]].sort_values("canton_code")
    timings["3. cantons sans France Services"] = time.perf_counter() - t

    # 4. Active workers commuting out of their EPCI.
    t = time.perf_counter()
    value = [c for c in flows.columns if c.startswith("NBFLUX")][0]
    epci_of = communes.set_index("commune_code")["epci_code"]
    flows["o"] = to_commune(flows["CODGEO"])
    flows["d"] = to_commune(flows["DCLT"])
    flows["oe"] = flows["o"].map(epci_of)
    flows["de"] = flows["d"].map(epci_of)
    out = flows[flows["oe"] != flows["de"]].groupby("oe")[value].sum().rename("commuters_out_of_epci")
    commuting = epci[["epci_code"]].merge(out.reset_index().rename(columns={"oe": "epci_code"}),
                                          on="epci_code", how="left").fillna({"commuters_out_of_epci": 0.0})
    timings["4. actifs travaillant hors de leur EPCI"] = time.perf_counter() - t

    # 5. Nearest tiers-lieu and France Services from every commune centre, on its own land mass.
    t = time.perf_counter()
    has = communes.dropna(subset=["latitude_centre"])
    mass_of = communes.set_index("commune_code")["land_mass"]
    tlc = tl.dropna(subset=["LAT", "LONG"]).assign(land_mass=lambda d: d["commune_code"].map(mass_of))
    fsc = fs.dropna(subset=["latitude", "longitude"]).assign(land_mass=lambda d: d["commune_code"].map(mass_of))
    parts = []
    for mass, group in has.groupby("land_mass"):
        lat, lon = group["latitude_centre"].to_numpy(), group["longitude_centre"].to_numpy()
        part = pd.DataFrame({"commune_code": group["commune_code"].to_numpy()})
        for column, targets, (tlat, tlon) in (("nearest_tiers_lieu_km", tlc, ("LAT", "LONG")),
                                              ("nearest_france_services_km", fsc, ("latitude", "longitude"))):
            here = targets[targets["land_mass"] == mass]
            part[column] = (nearest_km(lat, lon, here[tlat].to_numpy(), here[tlon].to_numpy()) if len(here)
                            else np.nan)
        parts.append(part)
    access = pd.concat(parts, ignore_index=True)
    timings["5. distance au plus proche tiers-lieu et France Services"] = time.perf_counter() - t

    timings["total"] = time.perf_counter() - t0
    results = {"coverage_epci": epci, "coverage_canton": cantons, "cantons_without_fs": without,
               "commuting_epci": commuting, "access_commune": access}
    return timings, results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Indicateurs calculés avec pandas (référence du banc d'essai).")
    parser.add_argument("--mirror", required=True, help="dossier du miroir (fichiers CSV publiés)")
    parser.add_argument("--results", default=None, help="dossier où écrire les indicateurs (Parquet)")
    parser.add_argument("--json", default=None, help="fichier JSON des temps mesurés")
    args = parser.parse_args(argv)
    timings, results = run(Path(args.mirror))
    for step, seconds in timings.items():
        print(f"{step:<60} {seconds:8.2f} s")
    if args.results:
        folder = Path(args.results)
        folder.mkdir(parents=True, exist_ok=True)
        for name, frame in results.items():
            frame.to_parquet(folder / f"{name}.parquet", index=False)
    if args.json:
        Path(args.json).write_text(json.dumps(timings, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
