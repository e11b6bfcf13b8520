"""National-scale fictional France, for the benchmarks: « France fictive - banc d'essai national ».

The demo scale (:mod:`ingest.demo.departement`) is one fictional département. This scale
writes a whole fictional country in the same files, formats and folder layout (so a configuration
written by ``tests.conftest.write_config(tmp, out_dir)`` works on it unchanged), at the size of the
real national publications:

* about 35,000 communes with the real code structure: 94 mainland départements ``01``..``95``
  (no ``20``), Corsica ``2A``/``2B`` (commune codes ``2A004``), and the overseas départements
  ``971``..``974`` and ``976`` whose commune codes are ``97101``... (3-character ``CODDEP`` and
  ``CODCOM = "101"`` in the populations file, as INSEE publishes them); about 1,250 EPCI and 2,000
  cantons (codes ``<dep><2 digits>``, a pseudo-canton ``<dep>99`` for the biggest town of a
  département when it has at least 50,000 inhabitants, no canton at all for the largest city and
  for ``972``/``973``, as in the COG); three cities split into municipal arrondissements (``ARM``
  rows of the COG; the flows and some facilities use the arrondissement codes, as INSEE and ANCT
  do) and about 2 % communes déléguées (``COMD``);
* a home-to-work flows file of about 1,000,000 rows (gravity model, every origin also works at
  home, a few foreign workplaces ``CH012``/``LU003``/``MO001`` near the borders);
* about 3,500 tiers-lieux (10 % with the inventory's ``0`` sentinel instead of their commune code
  and postcode), 2,900 France Services, 10,000 survey rows over two waves, 20,000 grants;
* optionally (``--stress-flows``) a MOBPRO-sized flows file of about 8,000,000 rows, written apart
  under ``stress/`` (it is not part of the mirror a configuration reads).

Names of communes, places and people are made up (same name factory as the demo), départements and
régions are called « Département 01 (fictif) », SIREN/SIRET numbers fail their Luhn check, coordinates
are scattered inside a rough outline of France. Only the shape of the data is real-like.

Everything is drawn from one seed (numpy ``default_rng`` plus seeded ``random.Random`` for names):
the same seed and scale give byte-identical files. ``--scale`` multiplies every count (``0.01`` writes
a 1/100 France in a second, for the tests). The returned « truth » (also ``truth.json``) is computed
from the values written, so the benchmark can check the warehouse against it.

Command line (also ``python -m ingest.demo.generator --territory national``)::

    python -m ingest.demo.national --out data/mirror/national [--scale 1] [--seed 2024] [--stress-flows]
"""

from __future__ import annotations

import math
import random
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from scipy.spatial import cKDTree

from ingest.demo import layout
from ingest.demo.formats import (
    cog_row,
    communes_france_row,
    density_per_km2,
    fictional_phone,
    france_services_row,
    grant_row,
    inventory_contact,
    inventory_row,
    population_row,
    survey_row,
    write_flows,
    written_revenue,
)
from ingest.demo.geo import KM_PER_DEG, haversine_km_array, offset_points
from ingest.demo.names import Name, NameMaker, fictional_ids, fmt_decimal, strip_accents
from ingest.demo.records import Drawn, Flows, FranceServices, Grant, Place
from ingest.demo.referential import write_referential_national
from ingest.demo.truth import Facts
from ingest.demo.vocabulary import (
    ASSOCIATION_PATTERNS,
    FS_APPOINTMENTS,
    FS_COMMENT_MULTILINE,
    FS_COMPLEMENTS,
    GRANT_CONDITIONS,
    GRANT_OBJECTS_BY_TYPO,
    GRANT_OBJECTS_OTHER,
    GRANT_OBJECTS_PLACE,
    GRANT_SHARES,
    STATUTES,
    STREETS,
    TYPO_COWORKING,
    TYPO_FABLAB,
    density_level,
    evolve,
    payment_period,
    place_name,
    saturday_hours,
    survey_economy,
    survey_kind,
    survey_profile,
    upper_with_double_space,
    weekday_hours,
)

TERRITORY_NAME = "France fictive - banc d'essai national (données fictives)"

# Counts at scale 1.
N_COMMUNES_MAINLAND = 34_500
N_COMMUNES_CORSICA = 360
OVERSEAS = {  # code: (communes, region code, centre lat, centre lon, half height deg, half width deg)
    "971": (32, "01", 16.20, -61.55, 0.22, 0.30),
    "972": (34, "02", 14.65, -61.02, 0.18, 0.12),
    "973": (22, "03", 4.00, -53.00, 1.60, 1.20),
    "974": (24, "04", -21.12, 55.53, 0.18, 0.24),
    "976": (17, "06", -12.82, 45.15, 0.12, 0.08),
}
N_EPCI = 1_250
N_CANTONS = 2_000
N_FLOWS = 1_000_000
N_STRESS_FLOWS = 8_000_000
N_TIERS_LIEUX = 3_500
N_FRANCE_SERVICES = 2_900
N_SURVEY_ROWS = 10_000          # two waves of 5,000
N_GRANTS = 20_000

MAINLAND_DEPS = [f"{i:02d}" for i in range(1, 96) if i != 20]          # 94 codes
MAINLAND_REGIONS = ["11", "24", "27", "28", "32", "44", "52", "53", "75", "76", "84", "93"]
CORSICA_REGION = "94"
NO_CANTON_DEPS = ("972", "973")
PSEUDO_CANTON_MIN_POP = 50_000

# A rough outline of mainland France and of Corsica (lon, lat).
MAINLAND_OUTLINE = [
    (-4.77, 48.38), (-4.2, 48.7), (-3.0, 48.85), (-1.95, 48.65), (-1.6, 49.65), (-1.25, 49.7), (-0.2, 49.3),
    (1.2, 49.95), (1.65, 50.95), (2.55, 51.08), (3.2, 50.75), (4.2, 50.05), (4.85, 49.85), (5.8, 49.55),
    (6.4, 49.45), (7.0, 49.15), (8.2, 48.98), (7.6, 47.6), (6.9, 47.45), (6.05, 46.4), (6.8, 46.0),
    (7.0, 45.3), (6.6, 44.9), (7.0, 44.2), (7.6, 43.8), (6.6, 43.15), (5.3, 43.2), (4.6, 43.4), (3.5, 43.28),
    (3.05, 42.45), (1.7, 42.5), (0.7, 42.8), (-0.6, 42.8), (-1.78, 43.35), (-1.45, 43.6), (-1.2, 44.6),
    (-1.1, 45.6), (-1.5, 46.3), (-2.2, 46.85), (-2.5, 47.3), (-3.4, 47.7), (-4.4, 47.8),
]
CORSICA_OUTLINE = [(8.55, 42.0), (8.75, 41.4), (9.25, 41.37), (9.55, 42.1), (9.45, 43.0), (9.35, 43.0),
                   (9.2, 42.6), (8.7, 42.55)]
# Foreign workplaces near the borders: (country prefix, label, test on (lat, lon)).
FOREIGN = [
    ("CH", "SUISSE", lambda lat, lon: (lon > 5.9) & (lat > 45.8) & (lat < 47.6)),
    ("LU", "LUXEMBOURG", lambda lat, lon: (lat > 49.15) & (lon > 5.5) & (lon < 6.6)),
    ("AL", "ALLEMAGNE", lambda lat, lon: (lat > 48.3) & (lon > 6.6)),
    ("BE", "BELGIQUE", lambda lat, lon: (lat > 50.0) & (lon < 4.9)),
    ("ES", "ESPAGNE", lambda lat, lon: (lat < 42.9) & (lon < 3.2)),
]
MONACO = ("MO001", "MONACO")


def scaled(n: int, scale: float, minimum: int = 1) -> int:
    return max(minimum, int(round(n * scale)))


# ----------------------------------------------------------------------------------------------
# Geometry helpers (vectorised)
# ----------------------------------------------------------------------------------------------


def _inside(lon: np.ndarray, lat: np.ndarray, outline: list[tuple[float, float]]) -> np.ndarray:
    """Ray casting point-in-polygon test for many points."""
    inside = np.zeros(lon.shape, dtype=bool)
    n = len(outline)
    for k in range(n):
        x1, y1 = outline[k]
        x2, y2 = outline[(k + 1) % n]
        crosses = (y1 > lat) != (y2 > lat)
        with np.errstate(divide="ignore", invalid="ignore"):
            x_at = x1 + (lat - y1) * (x2 - x1) / (y2 - y1)
        inside ^= crosses & (lon < x_at)
    return inside


def _project(lat: np.ndarray, lon: np.ndarray, lat0: float) -> np.ndarray:
    return np.column_stack([lon * KM_PER_DEG * math.cos(math.radians(lat0)), lat * KM_PER_DEG])


def _draw_in(rng: np.random.Generator, n: int, outline, min_km: float) -> tuple[np.ndarray, np.ndarray]:
    """``n`` points inside ``outline``, no two closer than ``min_km`` (drawn, then thinned)."""
    lons = np.array([p[0] for p in outline])
    lats = np.array([p[1] for p in outline])
    lat0 = float(lats.mean())
    got_lat = np.empty(0)
    got_lon = np.empty(0)
    batch = max(4 * n, 1000)
    while len(got_lat) < n:
        lon = rng.uniform(lons.min(), lons.max(), batch)
        lat = rng.uniform(lats.min(), lats.max(), batch)
        keep = _inside(lon, lat, outline)
        lat = np.concatenate([got_lat, lat[keep]])
        lon = np.concatenate([got_lon, lon[keep]])
        pairs = cKDTree(_project(lat, lon, lat0)).query_pairs(min_km, output_type="ndarray")
        drop = np.zeros(len(lat), dtype=bool)
        if len(pairs):
            drop[pairs.max(axis=1)] = True
        got_lat, got_lon = lat[~drop], lon[~drop]
    return got_lat[:n], got_lon[:n]


def _spread_seats(rng: np.random.Generator, xy: np.ndarray, k: int, first: int) -> list[int]:
    """``k`` indices of well spread points (randomised farthest-point sampling from ``first``)."""
    seats = [first]
    dist = np.hypot(*(xy - xy[first]).T)
    while len(seats) < min(k, len(xy)):
        score = dist * rng.uniform(0.7, 1.3, len(xy))
        score[seats] = -1.0
        nxt = int(np.argmax(score))
        seats.append(nxt)
        dist = np.minimum(dist, np.hypot(*(xy - xy[nxt]).T))
    return seats


def _nearest_seat(xy: np.ndarray, seats: list[int]) -> np.ndarray:
    return np.asarray(cKDTree(xy[seats]).query(xy)[1])



# ----------------------------------------------------------------------------------------------
# The country
# ----------------------------------------------------------------------------------------------


@dataclass(eq=False)
class C:
    """A commune (only what the demo's name-based helpers need, plus our own fields)."""

    idx: int
    name: Name
    code: str = ""
    pmun: int = 0

    @property
    def libelle(self) -> str:
        return self.name.libelle


@dataclass
class Country:
    dep: np.ndarray            # département code per commune (object)
    reg: np.ndarray
    lat: np.ndarray            # rounded to 5 decimals
    lon: np.ndarray
    xy: np.ndarray             # projected km (overseas groups shifted far away)
    group: np.ndarray          # 0 mainland + Corsica, 1.. one per overseas département
    communes: list[C]
    codes: np.ndarray          # commune code per commune (object)
    pmun: np.ndarray
    pcap: np.ndarray
    epci: np.ndarray           # EPCI code per commune
    canton: np.ndarray         # canton code per commune ("" when none)
    arr: np.ndarray
    ze: np.ndarray
    postcode: np.ndarray
    epci_names: dict[str, str]
    epci_kind: dict[str, str]
    canton_names: dict[str, str]
    ze_names: dict[str, str]
    ze_centres: dict[str, str]
    ze_pop: dict[str, int]
    arm: dict[int, list[tuple[str, Name]]]     # city index -> its arrondissements (code, name)
    comd: list[tuple[str, Name, str]]           # (code, name, parent code)
    dep_names: dict[str, str]
    reg_names: dict[str, str]
    dep_reg: dict[str, str]
    n_epci: int = 0
    extra: dict = field(default_factory=dict)


def _dep_numbering(dep: str, k: int) -> str:
    """Commune code of the ``k``-th commune (1-based) of a département."""
    return f"{dep}{k:02d}" if len(dep) == 3 else f"{dep}{k:03d}"


def build_country(seed: int, scale: float) -> Country:
    rng = np.random.default_rng([seed, 1])
    n_main = scaled(N_COMMUNES_MAINLAND, scale, 3 * len(MAINLAND_DEPS))
    spacing = math.sqrt(545_000.0 / n_main)

    # Mainland départements: 94 well spread seeds; communes go to the nearest seed, at least 3 each.
    lat_s, lon_s = _draw_in(rng, 20_000, MAINLAND_OUTLINE, 0.5)
    sxy = _project(lat_s, lon_s, 46.5)
    seeds = _spread_seats(rng, sxy, len(MAINLAND_DEPS), int(rng.integers(len(sxy))))
    share = np.bincount(_nearest_seat(sxy, seeds), minlength=len(seeds)) / len(sxy)
    want = np.maximum(3, np.round(share * n_main)).astype(int)
    lat_m, lon_m = _draw_in(rng, int(n_main * 1.6), MAINLAND_OUTLINE, 0.38 * spacing)
    mxy = _project(lat_m, lon_m, 46.5)
    owner = np.asarray(cKDTree(sxy[seeds]).query(mxy)[1])
    chosen, dep_idx = [], []
    taken = np.zeros(len(mxy), dtype=bool)
    for d in np.argsort(want, kind="stable"):          # small cells first: they may borrow points
        members = np.flatnonzero((owner == d) & ~taken)
        if len(members) < want[d]:      # a small cell: take the nearest free points of its seed
            near = np.argsort(np.hypot(*(mxy - sxy[seeds[d]]).T), kind="stable")
            members = near[~taken[near]]
        members = members[:want[d]]
        taken[members] = True
        chosen.extend(members.tolist())
        dep_idx.extend([int(d)] * len(members))
    chosen = np.array(chosen)
    dep_codes = np.array(MAINLAND_DEPS, dtype=object)[rng.permutation(len(MAINLAND_DEPS))]
    lat_parts, lon_parts, dep_parts, grp_parts = [lat_m[chosen]], [lon_m[chosen]], [dep_codes[dep_idx]], \
        [np.zeros(len(chosen), dtype=int)]
    # Regions: 12 groups of neighbouring départements (k-means on the seeds).
    centres = sxy[seeds]
    ks = _spread_seats(rng, centres, len(MAINLAND_REGIONS), 0)
    cent = centres[ks].copy()
    for _ in range(25):
        lab = np.asarray(cKDTree(cent).query(centres)[1])
        cent = np.array([centres[lab == r].mean(axis=0) if (lab == r).any() else cent[r] for r in range(len(cent))])
    dep_reg = {dep_codes[d]: MAINLAND_REGIONS[lab[d]] for d in range(len(seeds))}

    # Corsica: 2A south, 2B north.
    n_cors = scaled(N_COMMUNES_CORSICA, scale, 6)
    lat_c, lon_c = _draw_in(rng, n_cors, CORSICA_OUTLINE, 0.38 * math.sqrt(8_700.0 / n_cors))
    south = np.argsort(lat_c)[: max(3, int(round(n_cors * 124 / 360)))]
    dep_c = np.full(n_cors, "2B", dtype=object)
    dep_c[south] = "2A"
    lat_parts.append(lat_c), lon_parts.append(lon_c), dep_parts.append(dep_c)
    grp_parts.append(np.zeros(n_cors, dtype=int))
    dep_reg["2A"] = dep_reg["2B"] = CORSICA_REGION

    # Overseas départements.
    for g, (dep, (n, reg, clat, clon, hh, hw)) in enumerate(OVERSEAS.items(), start=1):
        n = scaled(n, scale, 3)
        box = [(clon - hw, clat - hh), (clon + hw, clat - hh), (clon + hw, clat + hh), (clon - hw, clat + hh)]
        area = (2 * hh * KM_PER_DEG) * (2 * hw * KM_PER_DEG * math.cos(math.radians(clat)))
        la, lo = _draw_in(rng, n, box, 0.38 * math.sqrt(area / n))
        lat_parts.append(la), lon_parts.append(lo), dep_parts.append(np.full(n, dep, dtype=object))
        grp_parts.append(np.full(n, g, dtype=int))
        dep_reg[dep] = reg

    lat = np.round(np.concatenate(lat_parts), 5)
    lon = np.round(np.concatenate(lon_parts), 5)
    dep = np.concatenate(dep_parts)
    group = np.concatenate(grp_parts)
    n = len(lat)
    xy = np.zeros((n, 2))
    for g in np.unique(group):
        m = group == g
        xy[m] = _project(lat[m], lon[m], float(lat[m].mean())) + np.array([g * 20_000.0, 0.0])
    reg = np.array([dep_reg[d] for d in dep], dtype=object)

    # Populations: a log-normal countryside, a préfecture per département, some towns, the suburbs
    # of the cities, three big cities.
    pmun = np.clip(np.exp(rng.normal(math.log(420), 1.1, n)), 15, 25_000)
    deps = sorted(set(dep), key=lambda d: (len(d), d))
    prefecture: dict[str, int] = {}
    for d in deps:
        members = np.flatnonzero(dep == d)
        centre = xy[members].mean(axis=0)
        p = int(members[np.argmin(np.hypot(*(xy[members] - centre).T))])
        prefecture[d] = p
        pmun[p] = math.exp(rng.uniform(math.log(25_000), math.log(160_000)))
    towns = rng.choice(n, size=max(1, n // 900), replace=False)
    pmun[towns] = np.maximum(pmun[towns], np.exp(rng.uniform(math.log(15_000), math.log(60_000), len(towns))))
    mainland_pref = [prefecture[d] for d in MAINLAND_DEPS]
    cities = [int(i) for i in rng.choice(mainland_pref, size=3, replace=False)]
    for i, size in zip(cities, (2_100_000, 850_000, 520_000)):
        pmun[i] = size * rng.uniform(0.97, 1.03)
    big = np.flatnonzero(pmun >= 50_000)
    tree = cKDTree(xy)
    for b in big:
        radius = 8.0 + 12.0 * math.log10(pmun[b] / 50_000 + 1)
        near = [j for j in tree.query_ball_point(xy[b], radius) if j != b and pmun[j] < 50_000]
        if near:
            near = np.array(near)
            pmun[near] = np.minimum(40_000, pmun[near] * rng.uniform(2.0, 8.0, len(near)))
    pmun = pmun.astype(np.int64)
    pcap = np.round(pmun * rng.uniform(0.01, 0.03, n)).astype(np.int64)

    # Names (unique within a département) and codes in alphabetical order of the name, as the COG.
    communes = [C(i, Name("", "")) for i in range(n)]
    codes = np.empty(n, dtype=object)
    name_makers: dict[str, NameMaker] = {}
    for k, d in enumerate(deps):
        maker = NameMaker(random.Random(seed * 1000 + k))
        name_makers[d] = maker
        members = np.flatnonzero(dep == d)
        for i in members:
            communes[i].name = maker.make(plain=bool(pmun[i] >= 100_000))
        ordered = sorted(members, key=lambda i: (communes[i].name.ncc, communes[i].name.article))
        for j, i in enumerate(ordered, start=1):
            codes[i] = _dep_numbering(d, j)
    for c, code, p in zip(communes, codes, pmun):
        c.code, c.pmun = code, int(p)

    # EPCI (inside a département), cantons, arrondissements, employment zones.
    epci = np.empty(n, dtype=object)
    canton = np.full(n, "", dtype=object)
    arr = np.empty(n, dtype=object)
    epci_names: dict[str, str] = {}
    epci_kind: dict[str, str] = {}
    canton_names: dict[str, str] = {}
    n_epci_total = sum(max(1, int(round((dep == d).sum() * N_EPCI / 35_000))) for d in deps)
    sirens = iter(fictional_ids(rng, n_epci_total, 9, "200"))
    city_no_canton = cities[0]
    for d in deps:
        members = np.flatnonzero(dep == d)
        mxy_d = xy[members]
        first = int(np.flatnonzero(members == prefecture[d])[0])
        k_e = max(1, int(round(len(members) * N_EPCI / 35_000)))
        seats = _spread_seats(rng, mxy_d, k_e, first)
        lab = _nearest_seat(mxy_d, seats)
        n_arr = int(min(4, max(1, len(seats) // 4)))
        for s_pos, s in enumerate(seats):
            code = next(sirens)
            in_e = members[lab == s_pos]
            epci[in_e] = code
            arr[in_e] = f"{d}{s_pos % n_arr + 1}"
            pop = int(pmun[in_e].sum())
            seat = communes[members[s]]
            if pop >= 400_000:
                kind, name = "METRO", f"Métropole {seat.name.de}"
            elif pop >= 50_000:
                kind, name = "CA", f"CA {seat.libelle} Agglomération"
            else:
                kind, name = "CC", f"CC du Pays {seat.name.de}"
            epci_names[code], epci_kind[code] = name, kind
        if d in NO_CANTON_DEPS:
            continue
        k_c = max(1, int(round(len(members) * N_CANTONS / 35_000)))
        cseats = _spread_seats(rng, mxy_d, k_c, first)
        lab = _nearest_seat(mxy_d, cseats)
        ordered = sorted(range(len(cseats)), key=lambda s: (communes[members[cseats[s]]].name.ncc, s))
        for num, s_pos in enumerate(ordered, start=1):
            code = f"{d}{num:02d}"
            canton[members[lab == s_pos]] = code
            canton_names[code] = communes[members[cseats[s_pos]]].libelle
        biggest = int(members[np.argmax(pmun[members])])
        if pmun[biggest] >= PSEUDO_CANTON_MIN_POP and len(members) > 1:
            canton[biggest] = f"{d}99"
            canton_names[f"{d}99"] = communes[biggest].libelle
    canton[city_no_canton] = ""
    present = set(canton.tolist())
    canton_names = {k: v for k, v in canton_names.items() if k in present}

    ze = np.empty(n, dtype=object)
    ze_names, ze_centres, ze_pop = {}, {}, {}
    for k, a in enumerate(sorted(set(arr), key=lambda s: (len(s), s)), start=1):
        members = np.flatnonzero(arr == a)
        code = f"{k:04d}"
        ze[members] = code
        centre = int(members[np.argmax(pmun[members])])
        ze_names[code] = strip_accents(communes[centre].libelle).upper()
        ze_centres[code] = codes[centre]
        ze_pop[code] = int(pmun[members].sum())

    postcode = np.empty(n, dtype=object)
    for i in range(n):
        d = dep[i]
        base = "20" if d in ("2A", "2B") else d
        num = int(canton[i][-2:]) if canton[i] else 1
        postcode[i] = f"{base}{(num * 10) % 100:02d}" if len(d) == 3 else f"{base}{(num * 10) % 1000:03d}"

    # Municipal arrondissements of the three cities, communes déléguées.
    arm: dict[int, list[tuple[str, Name]]] = {}
    for i, n_arm in zip(cities, (20, 9, 16)):
        base = communes[i].name
        arm[i] = [(f"{dep[i]}{900 + k}", Name(base.article, f"{base.base} {'1er' if k == 1 else f'{k}e'} "
                                                               "Arrondissement")) for k in range(1, n_arm + 1)]
    comd: list[tuple[str, Name, str]] = []
    for d in deps:
        members = np.flatnonzero(dep == d)
        n_comd = int(rng.binomial(len(members), 0.02))
        if len(d) == 3 or n_comd == 0:
            continue
        parents = rng.choice(members, size=n_comd, replace=False)
        for k, p in enumerate(sorted(parents, key=lambda i: codes[i]), start=len(members) + 1):
            comd.append((_dep_numbering(d, k), name_makers[d].make(), codes[p]))
    if max(int(code[-3:]) for code, _, _ in comd or [("000", 0, 0)]) >= 900 or \
            max((dep == d).sum() for d in deps) >= 899:
        raise RuntimeError("a département has too many communes for the 900+ arrondissement codes")

    dep_names = {d: f"Département {d} (fictif)" for d in deps}
    reg_names = {r: f"Région {r} (fictive)" for r in sorted(set(dep_reg.values()))}
    return Country(dep=dep, reg=reg, lat=lat, lon=lon, xy=xy, group=group, communes=communes, codes=codes,
                   pmun=pmun, pcap=pcap, epci=epci, canton=canton, arr=arr, ze=ze, postcode=postcode,
                   epci_names=epci_names, epci_kind=epci_kind, canton_names=canton_names, ze_names=ze_names,
                   ze_centres=ze_centres, ze_pop=ze_pop, arm=arm, comd=comd, dep_names=dep_names,
                   reg_names=reg_names, dep_reg=dep_reg, n_epci=len(epci_names),
                   extra={"prefecture": prefecture, "cities": cities})


# ----------------------------------------------------------------------------------------------
# Facilities
# ----------------------------------------------------------------------------------------------


def _published_code(rng: random.Random, t: Country, i: int) -> str:
    """The commune code a publisher uses: an arrondissement code inside the three cities."""
    if i in t.arm:
        return rng.choice(t.arm[i])[0]
    return t.codes[i]



def build_places(rng: np.random.Generator, prng: random.Random, t: Country, n_places: int) -> list[Place]:
    n = len(t.codes)
    w = t.pmun.astype(float) ** 0.85
    hosts = rng.choice(n, size=n_places, p=w / w.sum())
    u = rng.random(n_places)
    typos = np.where(u < 0.74, TYPO_COWORKING, np.where(u < 0.97, TYPO_FABLAB, ""))
    sentinel = rng.random(n_places) < 0.10
    lat, lon = offset_points(rng, t.lat[hosts], t.lon[hosts], 0.35)
    lat, lon = np.round(lat, 6), np.round(lon, 6)
    # A place published without its commune is placed by the nearest commune centre: make sure it is its host.
    tree = cKDTree(t.xy)
    pxy = np.zeros((n_places, 2))
    for g in np.unique(t.group):
        m = t.group[hosts] == g
        lat0 = float(t.lat[t.group == g].mean())
        pxy[m] = _project(lat[m], lon[m], lat0) + np.array([g * 20_000.0, 0.0])
    cand = np.asarray(tree.query(pxy, k=min(4, n))[1]).reshape(n_places, -1)
    d = haversine_km_array(lat[:, None], lon[:, None], t.lat[cand], t.lon[cand])
    best = cand[np.arange(n_places), np.argmin(d, axis=1)]
    wrong = best != hosts
    lat[wrong], lon[wrong] = t.lat[hosts[wrong]] + 0.0002, t.lon[hosts[wrong]]
    places = []
    for k in range(n_places):
        c = t.communes[hosts[k]]
        places.append(Place(id=str(k + 1), name=place_name(prng, str(typos[k]), c), typo=str(typos[k]),
                            host=int(hosts[k]), lat=float(lat[k]), lon=float(lon[k]), sentinel=bool(sentinel[k])))
    return places



def inventory_rows(prng: random.Random, t: Country, places: list[Place]) -> list[list[str]]:
    rows = []
    for p in places:
        i = p.host
        c = t.communes[i]
        code = _published_code(prng, t, i)
        metro = t.epci_kind[t.epci[i]] == "METRO"
        address = f"{prng.randint(1, 120)} {prng.choice(STREETS)}"
        precision = None if p.sentinel else prng.betavariate(9, 1.2)
        contact = inventory_contact(prng, p.name, c.libelle)
        ze = t.ze[i]
        rows.append(inventory_row(
            p, address=address, postcode=t.postcode[i], commune_code=t.codes[i], published_code=code,
            commune_name=c.libelle, contact=contact, precision=precision,
            metro_name=t.epci_names[t.epci[i]] if metro else "", reg=t.reg[i], reg_name=t.reg_names[t.reg[i]],
            dep=t.dep[i], population=c.pmun, ze=ze, ze_name=t.ze_names[ze], ze_population=t.ze_pop[ze]))
    return rows


def build_france_services(rng: np.random.Generator, prng: random.Random, t: Country, n_fs: int
                          ) -> list[FranceServices]:
    n = len(t.codes)
    # One « Principal » in the biggest commune of most cantons, the others spread by population.
    cantons = sorted(t.canton_names)
    order = rng.permutation(len(cantons))
    n_first = min(int(round(n_fs * 0.80)), int(round(0.88 * len(cantons))))
    biggest: dict[str, int] = {}
    for i in np.argsort(-t.pmun, kind="stable"):
        biggest.setdefault(t.canton[i], int(i))
    hosts: list[int] = [biggest[cantons[k]] for k in order[:n_first]]
    w = t.pmun.astype(float) ** 0.6
    hosts += [int(i) for i in rng.choice(n, size=n_fs - len(hosts), p=w / w.sum())]
    kinds = ["Principal"] * n_first + ["Antenne" if r < 0.25 else "Principal"
                                       for r in rng.random(n_fs - n_first)]
    perm = rng.permutation(n_fs)
    hosts = [hosts[k] for k in perm]
    kinds = [kinds[k] for k in perm]
    lat, lon = offset_points(rng, t.lat[hosts], t.lon[hosts], 0.3)
    items = []
    for k, (i, kind) in enumerate(zip(hosts, kinds), start=1):
        c = t.communes[i]
        fmt = prng.choice(["Fixe"] * 8 + ["Itinérante", "Multisites"]) if kind == "Principal" else "Fixe_antenne(s)"
        name = f"France services {c.libelle}" + (f" - Antenne {k}" if kind == "Antenne" else "")
        days = [weekday_hours(prng) for _ in range(5)]
        days.append(saturday_hours(prng))
        comment = ""
        if prng.random() < 0.003:
            comment = FS_COMMENT_MULTILINE.format(a=c.libelle, b=c.libelle)
        elif prng.random() < 0.2:
            comment = "Prise de rendez-vous conseillée"
        address = f"{prng.randint(1, 40)} {prng.choice(STREETS)}"
        complement = prng.choice(FS_COMPLEMENTS)
        code = _published_code(prng, t, i)
        phone = fictional_phone(prng)
        appointment = prng.choice(FS_APPOINTMENTS)
        label_date = prng.choice(['01/01/2020', '01/07/2020', '01/01/2021', '01/09/2022'])
        row = france_services_row(
            number=k, dep=t.dep[i], name=name, address=address, complement=complement, commune_code=code,
            postcode=t.postcode[i], commune_name=c.libelle, lat=lat[k - 1], lon=lon[k - 1], phone=phone, hours=days,
            appointment=appointment, comment=comment, kind=kind, fmt=fmt, group="", label_date=label_date)
        items.append(FranceServices(host=i, kind=kind, row=row))
    return items


# ----------------------------------------------------------------------------------------------
# Flows
# ----------------------------------------------------------------------------------------------


def _neighbours(t: Country, k: int) -> tuple[np.ndarray, np.ndarray]:
    """For each commune its ``k`` nearest other communes of the same group (-1 padded) and distances."""
    n = len(t.codes)
    idx = np.full((n, k), -1, dtype=np.int64)
    dist = np.full((n, k), np.inf)
    for g in np.unique(t.group):
        members = np.flatnonzero(t.group == g)
        kk = min(k, len(members) - 1)
        if kk <= 0:
            continue
        d, j = cKDTree(t.xy[members]).query(t.xy[members], k=kk + 1)
        d, j = d.reshape(len(members), -1)[:, 1:], j.reshape(len(members), -1)[:, 1:]
        idx[members, :kk] = members[j]
        dist[members, :kk] = d
    return idx, dist


def build_flows(rng: np.random.Generator, t: Country, n_rows: int, exhaustive: bool = False) -> Flows:
    """Gravity model. ``exhaustive``: every origin gets all its K nearest communes (stress file)."""
    n = len(t.codes)
    active = 0.42 * t.pmun * rng.uniform(0.96, 1.04, n)
    logp = np.log(np.maximum(t.pmun, 80))
    stay = 0.15 + 0.50 * np.clip((logp - math.log(80)) / (math.log(500_000) - math.log(80)), 0, 1)
    if exhaustive:
        k = max(1, int(math.ceil(n_rows / n)) - 1)
        nb, dist = _neighbours(t, min(k, n - 1))
        keep = nb >= 0
    else:
        k = 120
        nb, dist = _neighbours(t, min(k, n - 1))
        # Also the 10 nearest big towns (jobs come from afar to them).
        big = np.flatnonzero(t.pmun >= 20_000)
        if len(big) > 10:
            extra = np.full((n, 10), -1, dtype=np.int64)
            extra_d = np.full((n, 10), np.inf)
            for g in np.unique(t.group):
                mb = big[t.group[big] == g]
                members = np.flatnonzero(t.group == g)
                if len(mb) < 2:
                    continue
                kk = min(10, len(mb))
                d, j = cKDTree(t.xy[mb]).query(t.xy[members], k=kk)
                extra[members, :kk] = mb[np.asarray(j).reshape(len(members), -1)]
                extra_d[members, :kk] = np.asarray(d).reshape(len(members), -1)
            nb = np.concatenate([nb, extra], axis=1)
            dist = np.concatenate([dist, extra_d], axis=1)
        # Drop duplicates (a big town already among the nearest) and the commune itself.
        rows = np.repeat(np.arange(n), nb.shape[1])
        flat = nb.ravel()
        ok = (flat >= 0) & (flat != rows)
        key = rows[ok] * n + flat[ok]
        _, first = np.unique(key, return_index=True)
        valid = np.zeros(nb.size, dtype=bool)
        valid[np.flatnonzero(ok)[first]] = True
        keep = valid.reshape(nb.shape)
    dist = np.maximum(dist, 2.0)
    weight = np.where(keep, t.pmun[np.maximum(nb, 0)] / dist ** 2 * rng.lognormal(0, 0.3, nb.shape), 0.0)
    if not exhaustive:
        # Number of destinations grows with the size of the origin; solve the factor for the target.
        avail = keep.sum(axis=1)
        target = n_rows - n
        lo, hi = 0.0, 100.0
        for _ in range(60):
            f = (lo + hi) / 2
            m = np.minimum(avail, np.maximum(1, np.round(f * t.pmun ** 0.45))).sum()
            lo, hi = (f, hi) if m < target else (lo, f)
        m_i = np.minimum(avail, np.maximum(1, np.round(hi * t.pmun ** 0.45))).astype(int)
        rank = np.argsort(-weight, axis=1, kind="stable")
        pos = np.empty_like(rank)
        np.put_along_axis(pos, rank, np.arange(nb.shape[1])[None, :].repeat(n, 0), axis=1)
        keep = keep & (pos < m_i[:, None])
        weight = np.where(keep, weight, 0.0)
    share = weight / np.maximum(weight.sum(axis=1, keepdims=True), 1e-300)
    out_values = active[:, None] * (1 - stay)[:, None] * share
    o_idx = np.repeat(np.arange(n), nb.shape[1])[keep.ravel()]
    d_idx = nb.ravel()[keep.ravel()]
    v_out = out_values.ravel()[keep.ravel()]
    # Foreign workplaces near the borders (one row for half of the communes there).
    mainland = t.group == 0
    f_orig, f_code = [], []
    for prefix, label, test in FOREIGN:
        near = np.flatnonzero(mainland & test(t.lat, t.lon) & (rng.random(n) < 0.5))
        f_orig.append(near)
        f_code.append(np.array([f"{prefix}{c:03d}" for c in rng.integers(1, 60, len(near))], dtype=object))
    near = np.flatnonzero(mainland & (t.lon > 6.9) & (t.lat < 44.0) & (t.lat > 43.5))
    f_orig.append(near)
    f_code.append(np.full(len(near), MONACO[0], dtype=object))
    f_orig_a = np.concatenate(f_orig)
    f_code_a = np.concatenate(f_code)
    f_orig_a, first = np.unique(f_orig_a, return_index=True)     # one foreign row per origin at most
    f_code_a = f_code_a[first]
    labels = {p: lab for p, lab, _ in FOREIGN}
    foreign_codes = sorted(set(f_code_a))
    foreign_names = [MONACO[1] if c == MONACO[0] else f"{labels[c[:2]]} {c[2:]}" for c in foreign_codes]

    # The table of codes: communes, arrondissements, foreign codes.
    table_codes = [str(c) for c in t.codes]
    table_names = [c.libelle for c in t.communes]
    arm_first: dict[int, int] = {}
    for city, arms in t.arm.items():
        arm_first[city] = len(table_codes)
        table_codes += [code for code, _ in arms]
        table_names += [nm.libelle for _, nm in arms]
    foreign_pos = len(table_codes)
    table_codes += foreign_codes
    table_names += foreign_names
    f_tab = foreign_pos + np.searchsorted(np.array(foreign_codes, dtype=object), f_code_a)

    origin_c = np.concatenate([np.arange(n), o_idx, f_orig_a])
    dest_c = np.concatenate([np.arange(n), d_idx, np.full(len(f_orig_a), -1)])
    values = np.concatenate([active * stay, v_out, active[f_orig_a] * rng.uniform(0.01, 0.12, len(f_orig_a))])
    origin_t = origin_c.copy()
    dest_t = np.where(dest_c >= 0, dest_c, 0)
    dest_t[len(origin_c) - len(f_orig_a):] = f_tab
    # Arrondissements: a city's stayers are split over its arrondissements (each living and working in
    # one), its other rows go to one arrondissement at random.
    extra_o, extra_d, extra_v, extra_oc, extra_dc = [], [], [], [], []
    for city, arms in t.arm.items():
        r = len(arms)
        base = arm_first[city]
        self_row = city                                        # row ``city`` is its stayers
        split = rng.dirichlet(np.ones(r)) * values[self_row]
        values[self_row] = -1.0                                # removed below
        extra_o.append(base + np.arange(r))
        extra_d.append(base + np.arange(r))
        extra_v.append(split)
        extra_oc.append(np.full(r, city))
        extra_dc.append(np.full(r, city))
        from_city = (origin_c == city) & (np.arange(len(origin_c)) != self_row)
        origin_t[from_city] = base + rng.integers(0, r, from_city.sum())
        to_city = (dest_c == city) & (np.arange(len(origin_c)) != self_row)
        dest_t[to_city] = base + rng.integers(0, r, to_city.sum())
    if extra_o:
        origin_t = np.concatenate([origin_t, *extra_o])
        dest_t = np.concatenate([dest_t, *extra_d])
        values = np.concatenate([values, *extra_v])
        origin_c = np.concatenate([origin_c, *extra_oc])
        dest_c = np.concatenate([dest_c, *extra_dc])
    keep = values >= 0
    values = np.round(np.maximum(values[keep], 0.001), 6)
    origin_t, dest_t, origin_c, dest_c = origin_t[keep], dest_t[keep], origin_c[keep], dest_c[keep]
    # Sorted by residence then workplace code, as INSEE publishes.
    rank = np.empty(len(table_codes), dtype=np.int64)
    rank[np.argsort(np.array(table_codes, dtype=object), kind="stable")] = np.arange(len(table_codes))
    order = np.lexsort((rank[dest_t], rank[origin_t]))
    return Flows(table_codes, table_names, origin_t[order], dest_t[order], values[order], origin_c[order],
                 dest_c[order])



# ----------------------------------------------------------------------------------------------
# Grants and surveys
# ----------------------------------------------------------------------------------------------


def build_grants(rng: np.random.Generator, prng: random.Random, t: Country, places: list[Place],
                 n_grants: int) -> list[Grant]:
    regs = sorted(t.reg_names)
    deps = sorted(t.dep_names, key=lambda d: (len(d), d))
    funders = [(f"Conseil régional - {t.reg_names[r]}", "reg", r) for r in regs] + \
              [(f"Conseil départemental - {t.dep_names[d]}", "dep", d) for d in deps]
    funder_ids = dict(zip([f[0] for f in funders], fictional_ids(rng, len(funders), 14, "2")))
    n_to_places = int(round(n_grants * 0.18))
    funded = [places[k] for k in rng.choice(len(places), size=min(len(places), max(1, n_to_places * 2 // 3)),
                                             replace=False)]
    for p, siret in zip(funded, fictional_ids(rng, len(funded), 14)):
        p.siret = siret
    targets = funded + [funded[k] for k in rng.integers(0, len(funded), n_to_places - len(funded))]
    n_other = n_grants - len(targets)
    w = t.pmun.astype(float) ** 0.7
    other_hosts = rng.choice(len(t.codes), size=n_other, p=w / w.sum())
    other_ids = fictional_ids(rng, n_other, 14)
    cents = np.round(np.exp(rng.uniform(math.log(500), math.log(200_000), n_grants)) * 100).astype(np.int64)
    months = rng.integers(1, 12, n_grants)
    days = rng.integers(1, 29, n_grants)
    grants = []
    for k in range(n_grants):
        if k < len(targets):
            p = targets[k]
            host, name, siret, place = p.host, p.name, p.siret, p
            purpose = prng.choice(GRANT_OBJECTS_PLACE + [GRANT_OBJECTS_BY_TYPO[p.typo]])
        else:
            host = int(other_hosts[k - len(targets)])
            name = prng.choice(ASSOCIATION_PATTERNS).format(de=t.communes[host].name.de)
            siret, place = other_ids[k - len(targets)], None
            purpose = prng.choice(GRANT_OBJECTS_OTHER)
        options = [funders[regs.index(t.reg[host])], funders[len(regs) + deps.index(t.dep[host])]]
        funder = options[prng.randrange(2)][0]
        month, day = int(months[k]), int(days[k])
        share = prng.choice(GRANT_SHARES)
        beneficiary = upper_with_double_space(prng, name)
        conditions = prng.choice(GRANT_CONDITIONS)
        grants.append(Grant(funder=funder, funder_id=funder_ids[funder], date=f"2024-{month:02d}-{day:02d}",
                            ref=f"DEL-2024-{k + 1:05d}", beneficiary=beneficiary, beneficiary_id=siret,
                            purpose=purpose, cents=int(cents[k]), conditions=conditions,
                            period=payment_period(prng, month), share=fmt_decimal(share, 2), place=place))
    grants.sort(key=lambda g: (g.funder, g.date, g.ref))
    return grants


def build_surveys(rng: np.random.Generator, prng: random.Random, t: Country, places: list[Place],
                  n_rows: int) -> dict[str, list[list[str]]]:
    per_wave = n_rows // 2
    n_new = max(0, int(round(per_wave * 1.3)) - len(places))
    w = t.pmun.astype(float) ** 0.85
    new_hosts = rng.choice(len(t.codes), size=n_new, p=w / w.sum())
    pool: list[tuple[str, str, str, int]] = []           # (ref, name, typo, host)
    for p in places:
        pool.append((f"TL2019-{p.id}", p.name, p.typo, p.host))
    for k, h in enumerate(new_hosts, start=1):
        typo = prng.choice([TYPO_COWORKING, TYPO_COWORKING, TYPO_FABLAB, ""])
        pool.append((f"ENQ-{k:05d}", place_name(prng, typo, t.communes[h]), typo, int(h)))
    per_wave = min(per_wave, len(pool))
    wave24 = sorted(rng.choice(len(pool), size=per_wave, replace=False).tolist())
    keep = rng.choice(wave24, size=int(round(0.8 * per_wave)), replace=False).tolist()
    rest = sorted(set(range(len(pool))) - set(wave24))
    more = rng.choice(rest, size=min(len(rest), per_wave - len(keep)), replace=False).tolist() if rest else []
    wave25 = sorted(keep + more)
    sirets = iter(fictional_ids(rng, len(pool), 14))
    info = {}
    for k in sorted(set(wave24) | set(wave25)):
        ref, name, typo, h = pool[k]
        kind = survey_kind(prng, typo)
        siret = next(sirets)
        info[k] = dict(kind=kind, siret=siret if prng.random() < 0.8 else "", opened=prng.randint(2008, 2023),
                       statut=prng.choice(STATUTES), hours=prng.choice([20, 25, 30, 35, 40, 50, 60]),
                       profile=survey_profile(prng, kind, int(t.pmun[h])), no_revenue=prng.random() < 0.15)
    in24 = set(wave24)
    out = {}
    for year, members in (("2024", wave24), ("2025", wave25)):
        rows = []
        for k in sorted(members, key=lambda k: pool[k][0]):
            ref, name, typo, h = pool[k]
            i = info[k]
            prof = evolve(prng, i["profile"]) if year == "2025" and k in in24 else i["profile"]
            economy = survey_economy(random.Random(f"economie-{ref}-{year}"), i["kind"], prof,
                                     None if i["no_revenue"] else written_revenue(prof))
            rows.append(survey_row(year=year, ref=ref, name=name, siret=i["siret"], commune_code=t.codes[h],
                                   commune_name=t.communes[h].libelle, kind=i["kind"], opened=i["opened"],
                                   statut=i["statut"], hours=i["hours"], profile=prof, no_revenue=i["no_revenue"],
                                   economy=economy))
        out[year] = rows
    return out


# ----------------------------------------------------------------------------------------------
# Rows of the commune referentials
# ----------------------------------------------------------------------------------------------


def cog_rows(t: Country) -> list[list[str]]:
    rows = []
    for i in np.argsort(t.codes.astype(str), kind="stable"):
        c = t.communes[i]
        where = dict(reg=t.reg[i], dep=t.dep[i], arr=t.arr[i], canton=t.canton[i])
        rows.append(cog_row("COM", c.code, c.name, **where))
        rows += [cog_row("ARM", code, nm, **where, parent=c.code) for code, nm in t.arm.get(int(i), [])]
    rows += [cog_row("COMD", code, nm, parent=parent) for code, nm, parent in t.comd]
    rows.sort(key=lambda r: (r[1], r[0]))          # by code (COM), then type (TYPECOM)
    return rows


def population_rows(t: Country) -> list[list]:
    return [population_row(reg=t.reg[i], reg_name=t.reg_names[t.reg[i]], dep=t.dep[i], arr=t.arr[i],
                           canton=t.canton[i], code=t.communes[i].code, name=t.communes[i].libelle,
                           pmun=int(t.pmun[i]), pcap=int(t.pcap[i]))
            for i in np.argsort(t.codes.astype(str), kind="stable")]


def communes_france_rows(rng: np.random.Generator, t: Country) -> list[list]:
    n = len(t.codes)
    ha = np.clip(np.exp(rng.normal(math.log(1500), 0.55, n)), 100, 25_000).astype(int)
    alt = rng.integers(5, 900, n)
    mlat, mlon = offset_points(rng, t.lat, t.lon, 0.2, 0.0)
    rows = []
    for i in np.argsort(t.codes.astype(str), kind="stable"):
        c = t.communes[i]
        role = "pole" if c.pmun >= 10_000 else "rural"
        level = density_level(density_per_km2(c.pmun, int(ha[i])), c.pmun, role)
        equip = 4 if c.pmun >= 50_000 else 3 if c.pmun >= 8000 else 2 if c.pmun >= 2500 else 1 if c.pmun >= 800 else 0
        d, e, k, ze = t.dep[i], t.epci[i], t.canton[i], t.ze[i]
        rows.append(communes_france_row(
            code=c.code, name=c.name, reg=t.reg[i], reg_name=t.reg_names[t.reg[i]], dep=d, dep_name=t.dep_names[d],
            canton=k, canton_name=t.canton_names.get(k, ""), epci=e, epci_name=t.epci_names[e],
            postcode=t.postcode[i], postcodes=t.postcode[i], ze=ze, ze_centre=t.ze_centres[ze], population=c.pmun,
            hectares=int(ha[i]), altitude=int(alt[i]), altitude_min=int(alt[i]) - 20,
            altitude_max=int(alt[i]) + 150, town_hall=(mlat[i], mlon[i]), centre=(t.lat[i], t.lon[i]), level=level,
            equipment=equip))
    return rows


# ----------------------------------------------------------------------------------------------
# The whole draw
# ----------------------------------------------------------------------------------------------


def _rngs(seed: int, scale: float) -> tuple:
    tag = int(round(scale * 1_000_000))
    return (np.random.default_rng([seed, tag, 2]), random.Random(f"{seed}-{tag}-names"),
            np.random.default_rng([seed, tag, 3]))


def draw(seed: int, scale: float = 1.0, say: Callable[[str], None] = lambda msg: None) -> Drawn:
    """Draw the country from ``seed`` at ``scale`` (every count multiplied by it)."""
    t0 = time.perf_counter()
    t = build_country(seed, scale)
    say(f"territoire : {len(t.codes)} communes, {t.n_epci} EPCI, {len(t.canton_names)} cantons "
        f"({time.perf_counter() - t0:.1f} s)")
    rng, prng, rng_rows = _rngs(seed, scale)
    places = build_places(rng, prng, t, scaled(N_TIERS_LIEUX, scale, 10))
    fs_list = build_france_services(rng, prng, t, scaled(N_FRANCE_SERVICES, scale, 10))
    flows = build_flows(rng, t, scaled(N_FLOWS, scale, 100))
    grants = build_grants(rng, prng, t, places, scaled(N_GRANTS, scale, 20))
    surveys = build_surveys(rng, prng, t, places, scaled(N_SURVEY_ROWS, scale, 20))
    say(f"lieux, France Services, flux, subventions, enquêtes tirés ({time.perf_counter() - t0:.1f} s)")

    def publications() -> Iterator[tuple[str, list | Flows]]:
        yield layout.COG, cog_rows(t)
        yield layout.POP, population_rows(t)
        yield layout.GEO, communes_france_rows(rng_rows, t)
        yield layout.INV, inventory_rows(prng, t, places)
        yield layout.FS, [f.row for f in fs_list]
        yield layout.FLOWS, flows
        yield layout.GRANTS, [grant_row(g) for g in grants]
        for year, rows in surveys.items():
            yield layout.SURVEYS[year], rows

    facts = Facts(
        territory={"name": TERRITORY_NAME, "departements": sorted(t.dep_names, key=lambda d: (len(d), d)),
                   "fictional": True},
        codes=t.codes, dep=t.dep, epci=t.epci, canton=t.canton, pmun=t.pmun, epci_names=t.epci_names,
        canton_names=t.canton_names, places=places, france_services=fs_list, flows=flows, grants=grants,
        surveys=surveys, n_arrondissements=sum(len(a) for a in t.arm.values()), n_delegated=len(t.comd))
    return Drawn(publications(), facts, lambda out_dir: (None, write_referential_national(out_dir, t, places, seed)))


def write_stress_flows(out_dir: Path, seed: int = 2024, scale: float = 1.0, rows: int | None = None) -> Path:
    """Write the MOBPRO-sized flows file (``stress/...``, about 8,000,000 rows at scale 1)."""
    t = build_country(seed, scale)
    rng = np.random.default_rng([seed, int(round(scale * 1_000_000)), 4])
    flows = build_flows(rng, t, rows or scaled(N_STRESS_FLOWS, scale, 1000), exhaustive=True)
    path = Path(out_dir) / layout.STRESS_FLOWS
    write_flows(path, flows)
    return path


def main(argv: list[str] | None = None) -> int:
    """``python -m ingest.demo.national``: the generator's command line for this territory."""
    from ingest.demo import generator

    return generator.main(["--territory", "national", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    raise SystemExit(main())
