"""Indicators on the real public files of ../shared/data (skipped when absent), published by the
documented command (tests/conftest.py real_publication: the Dagster job and its quality gate), then places per région
(2019 inventory), France Services per département (2024 list) and cantons without a France Services
are printed and compared with counts computed here, independently, from the files themselves."""

from __future__ import annotations

import csv
import math
from collections import Counter
from pathlib import Path

import pytest

import real_expected  # tests/real_expected.py: independent of the project's code

MAX_KM = 50.0   # dbt var placement_max_km (default)


@pytest.fixture(scope="module")
def real(real_warehouse):
    """The warehouse of the real files (tests/conftest.py)."""
    con, data, _ = real_warehouse
    return con, data


def _rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _haversine(lat1, lon1, lat2, lon2) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (math.sin((p2 - p1) / 2) ** 2
         + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2)
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(a)))


class Referential:
    """The commune referential rebuilt from the files: COG 2022 communes, their parents for the other COG
    rows, and the commune centres of the communes-france sample."""

    def __init__(self, data: Path):
        cog = _rows(data / "insee_cog/commune_2022.csv")
        self.com = {r["COM"]: r for r in cog if r["TYPECOM"] == "COM"}
        self.parent = {r["COM"]: r["COMPARENT"] for r in cog
                       if r["TYPECOM"] != "COM" and r["COMPARENT"] and r["COM"] not in self.com}
        # Centres: the datas.fun file (every commune; Paris, Lyon, Marseille as the mean of their
        # arrondissements), replaced by the communes-france extract's where both agree within 50 km (the
        # extract swaps Paris and Marseille: those two are not taken from it).
        centres = real_expected.national_centres(data)
        for r in _rows(data / "communes_france_2025_sample/communes-france-2025.csv"):
            code = r["code_insee"]
            if code in centres and r["latitude_centre"] and r["longitude_centre"]:
                lat, lon = float(r["latitude_centre"]), float(r["longitude_centre"])
                if _haversine(lat, lon, *centres[code]) < 50:
                    centres[code] = (lat, lon)
        self.centres = [(c, la, lo) for c, (la, lo) in centres.items() if c in self.com]

    def place(self, code: str, lat: str, lon: str) -> str | None:
        code = "0" + code if len(code) == 4 and code.isdigit() else code
        if code in self.com:
            return code
        if self.parent.get(code) in self.com:
            return self.parent[code]
        if not lat or not lon:
            return None
        d, nearest = min((_haversine(float(lat), float(lon), la, lo), c) for c, la, lo in self.centres)
        return nearest if round(d, 3) <= MAX_KM else None


def test_real_places_per_region_france_services_per_departement_and_cantons(real):
    con, data = real
    ref = Referential(data)

    inventory = _rows(data / "cget_tierslieux_2019/CGET_TiersLieux_2019.csv")
    placed = [ref.place(r["INSEECOM"], r["LAT"], r["LONG"]) for r in inventory]
    expected_regions = Counter(ref.com[c]["REG"] for c in placed if c)
    regions = dict(con.execute("select territory_code, n_tiers_lieux from marts.fct_coverage_territory "
                               "where territory_level = 'region' and n_tiers_lieux > 0").fetchall())
    unplaced_tl = con.execute("select count(*) from marts.quality_unplaced_places "
                              "where source_name = 'tierslieux_2019'").fetchone()[0]
    print("\nTiers-lieux de l'inventaire 2019 par région :", dict(sorted(regions.items())),
          f"(non placés : {unplaced_tl})")
    published = Counter(r["INSEEREG"] for r in inventory)
    print("  pour comparaison, la région publiée dans l'inventaire (INSEEREG) :", dict(sorted(published.items())))
    assert regions == dict(expected_regions)
    assert sum(regions.values()) + unplaced_tl == len(inventory) == 1512
    assert unplaced_tl == sum(1 for c in placed if c is None)

    fs = _rows(data / "anct_france_services_2024/liste-fs-20240801.csv")
    fs_placed = [ref.place(r["insee_com"], r["latitude"], r["longitude"]) for r in fs]
    expected_deps = Counter(ref.com[c]["DEP"] for c in fs_placed if c)
    deps = dict(con.execute("select territory_code, n_france_services from marts.fct_coverage_territory "
                            "where territory_level = 'departement' and n_france_services > 0").fetchall())
    unplaced_fs = con.execute("select count(*) from marts.quality_unplaced_places "
                              "where source_name = 'france_services'").fetchone()[0]
    print("France Services (liste 2024) par département :", dict(sorted(deps.items())),
          f"(non placées : {unplaced_fs})")
    assert deps == dict(expected_deps)
    assert sum(deps.values()) + unplaced_fs == len(fs) == 2845

    cantons = {r["CAN"] for r in ref.com.values() if r["CAN"]}
    served = {ref.com[c]["CAN"] for c in fs_placed if c and ref.com[c]["CAN"]}
    without = cantons - served
    ordinary_without = {c for c in without if not 90 <= int(c[-2:]) <= 99}
    n_cantons, n_without, n_ordinary = con.execute(
        "select n_cantons, n_cantons_without_france_services, n_ordinary_cantons_without_france_services "
        "from marts.fct_coverage_territory where territory_level = 'national'").fetchone()
    print(f"Cantons : {n_cantons}, sans France Services : {n_without} "
          f"(dont {n_ordinary} hors pseudo-cantons)")
    assert (n_cantons, n_without, n_ordinary) == (len(cantons), len(without), len(ordinary_without))
    assert con.execute("select count(*) from marts.fct_coverage_canton where not has_france_services"
                       ).fetchone()[0] == len(without)
