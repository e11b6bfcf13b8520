"""The independent reference figures of ``real_expected`` (computed from the publishers' raw files,
without project code) hold on the real public files of ../shared/data."""

from __future__ import annotations

from pathlib import Path

import pytest

from real_expected import (
    cantons_without_france_services,
    france_services_placement,
    france_services_points,
    inventory_regions,
    land_mass,
    national_centres,
    population_by_commune,
    population_total,
    real_cantons,
    share_population_within_km,
)

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"

pytestmark = pytest.mark.skipif(
    not SHARED.is_dir(), reason=f"real public data folder {SHARED} absent (tests on real files skipped)")


def test_population_total():
    assert population_total(SHARED) == 66_988_403


def test_population_by_commune_codes():
    pop = population_by_commune(SHARED)
    assert sum(pop.values()) == 66_988_403
    assert all(len(code) == 5 for code in pop)
    assert "97101" in pop and "75056" in pop and "69123" in pop and "13055" in pop
    assert "75101" not in pop and "69381" not in pop and "13201" not in pop  # summed into their commune


def test_real_cantons():
    assert len(real_cantons(SHARED)) == 1_822


def test_france_services_placement():
    placed, unplaced = france_services_placement(SHARED)
    assert sum(placed.values()) == 2_843
    assert len(unplaced) == 2
    assert {code for _, code in unplaced} == {"97801"}


def test_cantons_without_france_services():
    assert len(cantons_without_france_services(SHARED)) == 407


def test_inventory_regions():
    inv = inventory_regions(SHARED)
    assert sum(inv["by_region_file"].values()) == 1_512
    assert sum(inv["by_region_code"].values()) + inv["rows_without_code"] == 1_512
    assert inv["inseereg_vintage"] == "post-2016"


@pytest.mark.slow   # pure-Python nearest distances of every French commune (about 5 s)
def test_share_within_10_km():
    centres = national_centres(SHARED)
    population = population_by_commune(SHARED)
    points = france_services_points(SHARED)
    share = share_population_within_km(centres, population, [(lat, lon) for lat, lon, _ in points], 10)
    assert 0.90 <= share <= 0.96
    group = {code: land_mass(code) for code in centres}
    share_same_land = share_population_within_km(
        centres, population, [(lat, lon, land_mass(code)) for lat, lon, code in points], 10, group=group)
    assert 0.90 <= share_same_land <= 0.96
