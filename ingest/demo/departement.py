"""The demo scale: one fictional département, « Territoire d'exemple - données fictives ».

The demo of the observatory runs on a FICTIONAL French département, written as a local "mirror" of
the public publications the warehouse reads in production (formats: :mod:`ingest.demo.formats`).
None of its rows comes from a real file.

The territory model
-------------------
* Département ``96`` « Val-d'Exemple » in région ``96`` « Région d'Exemple ». ``96`` is not used by
  INSEE, so the demo can never be mistaken for a real place. The département is an irregular oval
  of roughly 110 km (west-east) by 90 km (south-north) centred near 45.80 N, 3.10 E.
* 300 communes (``TYPECOM = COM``), codes ``96001``..``96300``: ``96001`` is the metropole at the
  centre (about 180,000 inhabitants); the others are numbered in alphabetical order of their name
  without article, as in the COG. Names are French-like, built from syllables and patterns
  (« Saint-… », « …-sur-<rivière> », « …-en-<pays> », « Le/La/Les/L'… ») with consistent COG
  article codes (TNCC 0/1 no article, 2 Le, 3 La, 4 Les, 5 L'). Three extra ``COMD`` rows
  (communes déléguées, codes ``96301``..``96303``) point to their parent commune: they are not
  communes and have no population.
* Populations (PMUN): the metropole; 25 suburbs within 15 km of it (2,000 - 30,000, bigger when
  closer); 6 secondary poles (8,000 - 25,000) 20 - 40 km away; the rural rest (log-normal,
  80 - 3,000). PCAP is 1 - 3 % of PMUN and PTOT = PMUN + PCAP. Commune centroids are scattered
  (rejection sampling, never on a grid) at least 1.5 km apart.
* 12 EPCI: « Exemple Métropole » (the metropole and its 25 suburbs) and 11 « CA »/« CC » whose
  seats are the 6 poles and 5 rural bourgs spread around the metropole; every other commune
  belongs to the EPCI of the nearest seat, so each EPCI is a contiguous group.
* 25 cantons: 24 ordinary cantons ``9601``..``9624`` (numbered in alphabetical order of their
  name, which is the name of their seat commune; each commune belongs to the canton of the nearest
  seat) and the metropole alone in the pseudo-canton ``9699`` (as the COG does for a town split
  between several cantons). 3 arrondissements (``961``..``963``) and 3 employment zones.
* About 60 tiers-lieux of the 2019 national inventory, placed by population weight (many in the
  metropole, several per pole, some in rural bourgs, none in at least 2 EPCI), within 400 m of
  their commune centre; 2 of them carry the inventory's ``0`` sentinel instead of their commune
  code and postcode (the pipeline must place them by nearest commune centre).
* 15 France Services (12 « Principal » + 3 « Antenne »), at most 2 per canton, several cantons
  without any.
* Home-to-work flows (census 2020 style): 0.42 active workers per inhabitant, a share working in
  their own commune growing with its size, the others sent to the metropole, the poles and the
  bigger bourgs with a gravity model (mass / distance²). Every workplace is in the territory.
* About 40 grants (SCDL format) from 3 funders, about 22 of them to inventory places.
* The observatory's own questionnaire, waves 2024 and 2025, answered by part of the places.


Identifiers that could look real are made impossible: SIREN and SIRET numbers deliberately fail
their Luhn check digit (so they can never be a real company), e-mail and web addresses use the
reserved ``.example`` top-level domain, and telephone numbers use 04 65 71 xx xx, meant as a range
for fiction (not checked against ARCEP's numbering plan from this offline machine).

:func:`draw` draws everything from one seed (eight ``random.Random`` streams derived from it, one per
kind of fact, so that each file only depends on its own stream); :mod:`ingest.demo.generator` writes it.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import numpy as np

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
    written_revenue,
)
from ingest.demo.geo import KM_PER_DEG, haversine_km, offset_point
from ingest.demo.names import (
    PAYS,
    RIVERS,
    IdFactory,
    Name,
    NameMaker,
    fmt_decimal,
    normalize_name,
    strip_accents,
)
from ingest.demo.records import Drawn, Flows, FranceServices, Grant, Place
from ingest.demo.referential import write_referential
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

TERRITORY_NAME = "Territoire d'exemple - données fictives"
DEP_CODE = "96"
DEP_NAME = "Val-d'Exemple"
REG_CODE = "96"
REG_NAME = "Région d'Exemple"
METRO_EPCI_NAME = "Exemple Métropole"

CENTRE_LAT = 45.80
CENTRE_LON = 3.10
HALF_WIDTH_KM = 55.0    # west-east half extent
HALF_HEIGHT_KM = 45.0   # south-north half extent
KM_PER_DEG_LON = KM_PER_DEG * math.cos(math.radians(CENTRE_LAT))

N_COMMUNES = 300
N_SUBURBS = 25
N_POLES = 6
N_EPCI_SEATS = 11          # 6 poles + 5 rural bourgs
N_CANTONS = 24             # ordinary cantons; + the metropole's pseudo-canton 9699
METRO_CANTON = DEP_CODE + "99"
MIN_COMMUNE_DISTANCE_KM = 1.5
PLACE_RADIUS_KM = 0.4


# ----------------------------------------------------------------------------------------------
# Territory
# ----------------------------------------------------------------------------------------------


@dataclass(eq=False)
class Commune:
    idx: int
    role: str                      # metropole | suburb | pole | bourg (EPCI seat) | rural
    x: float                       # km east of the centre
    y: float                       # km north of the centre
    name: Name | None = None
    code: str = ""
    lat: float = 0.0               # commune centre (rounded to 5 decimals), used everywhere
    lon: float = 0.0
    pmun: int = 0
    pcap: int = 0
    epci: str = ""
    canton: str = ""
    arr: str = ""
    ze: str = ""
    postcode: str = ""
    canton_seat: bool = False
    pos: int = -1                  # index in Territory.communes (sorted by code)
    extra: dict = field(default_factory=dict)

    @property
    def libelle(self) -> str:
        return self.name.libelle

    @property
    def dist_centre(self) -> float:
        return math.hypot(self.x, self.y)


@dataclass
class Territory:
    communes: list[Commune]                      # COM rows, sorted by code
    by_code: dict[str, Commune]
    epci_names: dict[str, str]                   # code -> name (file order: metropole first)
    epci_seats: dict[str, str]                   # code -> seat commune code
    canton_names: dict[str, str]                 # code -> name, sorted by code
    comd: list[tuple[str, Name, str]]            # (code, name, parent code)
    ze_names: dict[str, str]
    ze_centres: dict[str, str]
    ze_pop: dict[str, int]
    metro_epci: str


def to_latlon(x_km: float, y_km: float) -> tuple[float, float]:
    return CENTRE_LAT + y_km / KM_PER_DEG, CENTRE_LON + x_km / KM_PER_DEG_LON


def _boundary(theta: float, phases: tuple[float, float]) -> float:
    return 1.0 + 0.07 * math.sin(3 * theta + phases[0]) + 0.04 * math.sin(5 * theta + phases[1])


def _inside(x: float, y: float, phases) -> bool:
    u, v = x / HALF_WIDTH_KM, y / HALF_HEIGHT_KM
    return math.hypot(u, v) <= 0.97 * _boundary(math.atan2(v, u), phases)


def _far_enough(x: float, y: float, points: list[Commune], min_km: float) -> bool:
    m2 = min_km * min_km
    return all((p.x - x) ** 2 + (p.y - y) ** 2 >= m2 for p in points)


def _place_communes(rng: random.Random) -> list[Commune]:
    phases = (rng.uniform(0, 2 * math.pi), rng.uniform(0, 2 * math.pi))
    margin = MIN_COMMUNE_DISTANCE_KM + 0.15      # slack for the rounding of coordinates
    pts: list[Commune] = [Commune(0, "metropole", rng.uniform(-1, 1), rng.uniform(-1, 1))]
    # EPCI seats around the metropole, evenly spread in angle (the order follows the angle).
    theta0 = rng.uniform(0, 2 * math.pi)
    pole_slots = sorted(rng.sample(range(N_EPCI_SEATS), N_POLES))
    for k in range(N_EPCI_SEATS):
        while True:
            theta = theta0 + 2 * math.pi * k / N_EPCI_SEATS + rng.uniform(-0.12, 0.12)
            f = rng.uniform(0.50, 0.68) * _boundary(theta, phases)
            x, y = HALF_WIDTH_KM * f * math.cos(theta), HALF_HEIGHT_KM * f * math.sin(theta)
            if _far_enough(x, y, pts, 8.0):
                break
        pts.append(Commune(len(pts), "pole" if k in pole_slots else "bourg", x, y))
    while sum(p.role == "suburb" for p in pts) < N_SUBURBS:
        r, theta = math.sqrt(rng.uniform(3.2 ** 2, 14.5 ** 2)), rng.uniform(0, 2 * math.pi)
        x, y = pts[0].x + r * math.cos(theta), pts[0].y + r * math.sin(theta)
        if _far_enough(x, y, pts, margin):
            pts.append(Commune(len(pts), "suburb", x, y))
    while len(pts) < N_COMMUNES:
        x, y = rng.uniform(-HALF_WIDTH_KM, HALF_WIDTH_KM), rng.uniform(-HALF_HEIGHT_KM, HALF_HEIGHT_KM)
        if not _inside(x, y, phases) or math.hypot(x - pts[0].x, y - pts[0].y) < 16.5:
            continue
        if _far_enough(x, y, pts, margin):
            pts.append(Commune(len(pts), "rural", x, y))
    return pts


def _nearest(c: Commune, seats: list[Commune]) -> Commune:
    return min(seats, key=lambda s: ((s.x - c.x) ** 2 + (s.y - c.y) ** 2, s.idx))


def _lognormal_in(rng: random.Random, median: float, sigma: float, lo: float, hi: float) -> float:
    while True:
        v = median * math.exp(rng.gauss(0.0, sigma))
        if lo <= v <= hi:
            return v


def _populations(rng: random.Random, pts: list[Commune]) -> None:
    while True:
        metro = rng.randint(172_000, 188_000)
        subs = sorted((int(_lognormal_in(rng, 5200, 0.7, 2000, 30000)) for _ in range(N_SUBURBS)),
                      reverse=True)
        suburbs = sorted((p for p in pts if p.role == "suburb"),
                         key=lambda p: (math.hypot(p.x - pts[0].x, p.y - pts[0].y) * rng.uniform(0.7, 1.3), p.idx))
        values = {0: metro}
        for p, v in zip(suburbs, subs):
            values[p.idx] = v
        for p in pts:
            if p.role == "pole":
                values[p.idx] = int(math.exp(rng.uniform(math.log(8000), math.log(25000))))
            elif p.role == "bourg" or (p.role == "rural" and p.canton_seat):
                values[p.idx] = rng.randint(1200, 3000)
            elif p.role == "rural":
                values[p.idx] = int(_lognormal_in(rng, 380, 0.85, 80, 3000))
        if 520_000 <= sum(values.values()) <= 650_000:
            break
    for p in pts:
        p.pmun = values[p.idx]
        p.pcap = int(round(p.pmun * rng.uniform(0.01, 0.03)))


def build_territory(rng: random.Random, ids: IdFactory) -> Territory:
    while True:   # redraw until every EPCI (commune -> nearest seat) has a reasonable size
        pts = _place_communes(rng)
        metro = pts[0]
        seats = [p for p in pts if p.role in ("pole", "bourg")]          # in angular order
        nearest_seat = {p.idx: _nearest(p, seats).idx for p in pts if p.role in ("rural", "pole", "bourg")}
        if min(sum(1 for v in nearest_seat.values() if v == s.idx) for s in seats) >= 8:
            break

    # Canton seats: the 11 EPCI seats, 4 suburbs spread around the metropole, 9 rural bourgs
    # picked by farthest-point sampling so that cantons cover the whole département.
    canton_seats = list(seats)
    suburbs = [p for p in pts if p.role == "suburb"]
    first = rng.choice(suburbs)
    chosen = [first]
    while len(chosen) < 4:
        chosen.append(max((s for s in suburbs if s not in chosen),
                          key=lambda s: (min(math.hypot(s.x - c.x, s.y - c.y) for c in chosen + [metro]), -s.idx)))
    canton_seats += chosen
    rural = [p for p in pts if p.role == "rural"]
    while len(canton_seats) < N_CANTONS:
        ref = canton_seats + [metro]
        canton_seats.append(max((r for r in rural if r not in canton_seats),
                                key=lambda r: (min(math.hypot(r.x - c.x, r.y - c.y) for c in ref), -r.idx)))
    for s in canton_seats:
        s.canton_seat = True

    _populations(rng, pts)

    # Names: the metropole gets a plain name; codes follow the alphabetical order of NCC.
    names = NameMaker(rng)
    metro.name = names.make(plain=True)
    for p in pts:
        if p.role in ("pole", "bourg"):
            p.name = names.make(plain=rng.random() < 0.5)
        elif p.name is None:
            p.name = names.make()
    others = sorted(pts[1:], key=lambda p: (p.name.ncc, p.name.article))
    metro.code = f"{DEP_CODE}001"
    for i, p in enumerate(others, start=2):
        p.code = f"{DEP_CODE}{i:03d}"
    for p in pts:
        lat, lon = to_latlon(p.x, p.y)
        p.lat, p.lon = round(lat, 5), round(lon, 5)

    # EPCI: metropole + suburbs; every other commune goes to the nearest of the 11 seats.
    metro_code = ids.siren("2000")
    epci_codes = [ids.siren("2000") for _ in seats]
    epci_of_seat = {s.idx: code for s, code in zip(seats, epci_codes)}
    for p in pts:
        p.epci = metro_code if p.role in ("metropole", "suburb") else epci_of_seat[nearest_seat[p.idx]]
    pop_by_epci: dict[str, int] = {}
    for p in pts:
        pop_by_epci[p.epci] = pop_by_epci.get(p.epci, 0) + p.pmun
    epci_names = {metro_code: METRO_EPCI_NAME}
    biggest = max(epci_codes, key=lambda c: (pop_by_epci[c], c))
    used_names = {METRO_EPCI_NAME}
    for seat, code in zip(seats, epci_codes):
        nm = seat.name
        if seat.role == "pole" and (pop_by_epci[code] >= 30_000 or code == biggest):
            options = [f"CA {nm.libelle} Agglomération", f"CA du Bassin {nm.de}", f"CA {nm.libelle} Agglo"]
        elif seat.role == "pole":
            options = [f"CC du Pays {nm.de}", f"CC {nm.libelle} Communauté", f"CC {nm.libelle} et Environs"]
        else:
            options = [f"CC du Pays {nm.de}", f"CC des Monts {nm.de}", f"CC Val de {rng.choice(RIVERS)}",
                       "CC {} {}".format(*rng.sample(PAYS, 2)), f"CC {nm.libelle} Communauté"]
        rng.shuffle(options)
        name = next(o for o in options if o not in used_names)
        used_names.add(name)
        epci_names[code] = name

    # Arrondissements (by EPCI, in angular sectors) and employment zones (= arrondissements).
    arr_of_epci = {metro_code: DEP_CODE + "1"}
    for k, code in enumerate(epci_codes):
        arr_of_epci[code] = DEP_CODE + ("2" if k < 4 else "3" if k < 8 else "1")
    for p in pts:
        p.arr = arr_of_epci[p.epci]
        p.ze = DEP_CODE + "0" + p.arr[-1]

    # Cantons: ordinary ones numbered in alphabetical order of their (seat) name.
    for p in pts:
        if p is metro:
            continue
        p.extra["canton_seat_idx"] = _nearest(p, canton_seats).idx
    ordered = sorted(canton_seats, key=lambda s: (s.name.ncc, s.name.article))
    seat_canton = {s.idx: f"{DEP_CODE}{i:02d}" for i, s in enumerate(ordered, start=1)}
    canton_names = {seat_canton[s.idx]: s.libelle for s in ordered}
    canton_names[METRO_CANTON] = metro.libelle
    metro.canton = METRO_CANTON
    for p in pts:
        if p is not metro:
            p.canton = seat_canton[p.extra["canton_seat_idx"]]

    # Postcodes: the metropole 96000; every other commune the postcode of its canton.
    metro.postcode = f"{DEP_CODE}000"
    for p in pts:
        if p is not metro:
            p.postcode = f"{DEP_CODE}{(11 + 3 * (int(p.canton[-2:]) - 1)) * 10:03d}"

    # Employment zones: named after their biggest commune.
    ze_names, ze_centres, ze_pop = {}, {}, {}
    for ze in sorted({p.ze for p in pts}):
        members = [p for p in pts if p.ze == ze]
        centre = max(members, key=lambda p: (p.pmun, p.code))
        ze_names[ze] = strip_accents(centre.libelle).upper()
        ze_centres[ze] = centre.code
        ze_pop[ze] = sum(p.pmun for p in members)

    # Three communes déléguées (not communes): two of them in one commune nouvelle.
    rural_sorted = sorted((p for p in pts if p.role == "rural" and not p.canton_seat), key=lambda p: p.code)
    parents = rng.sample(rural_sorted, 2)
    comd = []
    for i, parent in enumerate([parents[0], parents[0], parents[1]]):
        comd.append((f"{DEP_CODE}{N_COMMUNES + 1 + i:03d}", names.make(), parent.code))

    communes = sorted(pts, key=lambda p: p.code)
    for k, p in enumerate(communes):
        p.pos = k
    return Territory(
        communes=communes,
        by_code={p.code: p for p in communes},
        epci_names=epci_names,
        epci_seats={metro_code: metro.code, **{c: s.code for c, s in zip(epci_codes, seats)}},
        canton_names=dict(sorted(canton_names.items())),
        comd=comd,
        ze_names=ze_names,
        ze_centres=ze_centres,
        ze_pop=ze_pop,
        metro_epci=metro_code,
    )


def check_min_distance(communes: list[Commune]) -> float:
    best = float("inf")
    for i, a in enumerate(communes):
        for b in communes[i + 1:]:
            if abs(a.lat - b.lat) > 0.03 or abs(a.lon - b.lon) > 0.04:
                continue
            best = min(best, haversine_km(a.lat, a.lon, b.lat, b.lon))
    if best < MIN_COMMUNE_DISTANCE_KM:
        raise RuntimeError(f"two commune centres are {best:.3f} km apart")
    return best


def nearest_commune(communes: list[Commune], lat: float, lon: float) -> Commune:
    return min(communes, key=lambda c: (haversine_km(lat, lon, c.lat, c.lon), c.code))



def _offset(rng: random.Random, c: Commune, max_km: float, min_km: float = 0.03) -> tuple[float, float]:
    return offset_point(rng, c.lat, c.lon, max_km, min_km)


# ----------------------------------------------------------------------------------------------
# Facilities
# ----------------------------------------------------------------------------------------------


def build_places(rng: random.Random, t: Territory) -> list[Place]:
    communes = t.communes
    metro = t.by_code[f"{DEP_CODE}001"]
    n = rng.randint(58, 63)
    n_metro = round(n * 0.30)
    n_pole = round(n * 0.27)
    n_suburb = round(n * 0.13)
    n_rural = n - n_metro - n_pole - n_suburb
    bourg_epcis = sorted(c.epci for c in communes if c.role == "bourg")
    empty_epcis = sorted(rng.sample(bourg_epcis, 2))

    def weighted(pool: list[Commune], k: int, power: float, cap: int) -> list[Commune]:
        out: list[Commune] = []
        while len(out) < k:
            weights = [c.pmun ** power if out.count(c) < cap else 0.0 for c in pool]
            out.append(rng.choices(pool, weights=weights)[0])
        return out

    hosts = [metro] * n_metro
    poles = [c for c in communes if c.role == "pole"]
    hosts += poles + weighted(poles, n_pole - len(poles), 1.0, 4)
    hosts += weighted([c for c in communes if c.role == "suburb"], n_suburb, 1.0, 2)
    rural_pool = [c for c in communes if c.role in ("rural", "bourg") and c.epci not in empty_epcis]
    hosts += weighted(rural_pool, n_rural, 1.3, 1)
    rng.shuffle(hosts)

    n_fab, n_none = round(n * 0.28), round(n * 0.07)
    typos = [TYPO_FABLAB] * n_fab + [""] * n_none + [TYPO_COWORKING] * (n - n_fab - n_none)
    rng.shuffle(typos)

    used: set[str] = set()
    places = []
    for i, (host, typo) in enumerate(zip(hosts, typos), start=1):
        while True:
            name = place_name(rng, typo, host)
            if normalize_name(name) not in used:
                used.add(normalize_name(name))
                break
        while True:
            lat, lon = _offset(rng, host, PLACE_RADIUS_KM)
            lat, lon = round(lat, 6), round(lon, 6)
            if nearest_commune(communes, lat, lon) is host:
                break
        street = rng.choice(STREETS)
        address = street[0].upper() + street[1:] if rng.random() < 0.1 else f"{rng.randint(1, 120)} {street}"
        places.append(Place(id=str(i), name=name, typo=typo, host=host.pos, lat=lat, lon=lon, address=address))
    for p in rng.sample(places, 2):
        p.sentinel = True
    return places


def inventory_rows(rng: random.Random, t: Territory, places: list[Place]) -> list[list[str]]:
    rows = []
    for p in places:
        c = t.communes[p.host]
        contact = inventory_contact(rng, p.name, c.libelle)
        precision = None if p.sentinel else rng.betavariate(9, 1.2)
        rows.append(inventory_row(
            p, address=p.address, postcode=c.postcode, commune_code=c.code, published_code=c.code,
            commune_name=c.libelle, contact=contact, precision=precision,
            metro_name=METRO_EPCI_NAME if c.epci == t.metro_epci else "", reg=REG_CODE, reg_name=REG_NAME,
            dep=DEP_CODE, population=c.pmun, ze=c.ze, ze_name=t.ze_names[c.ze], ze_population=t.ze_pop[c.ze]))
    return rows


@dataclass(eq=False)
class _Site:
    """A France Services while the network is planned (its row is drawn afterwards)."""

    commune: Commune
    kind: str          # Principal | Antenne
    name: str
    fmt: str
    group: str = ""


def build_france_services(rng: random.Random, t: Territory) -> list[FranceServices]:
    communes = t.communes
    poles = [c for c in communes if c.role == "pole"]
    bourgs = [c for c in communes if c.role == "bourg"]
    rural_seats = [c for c in communes if c.role == "rural" and c.canton_seat]
    while True:
        principals = poles + bourgs + [rng.choice(rural_seats)]
        parents = rng.sample(principals, 3)
        antennas = []
        for parent in parents:
            pool = [c for c in communes if c.epci == parent.epci and c.role == "rural" and c.pmun >= 300
                    and c not in principals and c not in antennas]
            if not pool:
                break
            antennas.append(rng.choice(pool))
        if len(antennas) != 3:
            continue
        per_canton: dict[str, int] = {}
        for c in principals + antennas:
            per_canton[c.canton] = per_canton.get(c.canton, 0) + 1
        if max(per_canton.values()) <= 2 and len(t.canton_names) - len(per_canton) >= 5:
            break
    sites = []
    for c in principals:
        fmt = "Fixe" if c not in parents else "Fixe_antenne(s)"
        sites.append(_Site(c, "Principal", f"France services {c.libelle}", fmt))
    itinerant = rng.choice([s for s in sites if s.fmt == "Fixe"])
    itinerant.fmt, itinerant.name = "Itinérante", f"Bus France services {t.epci_names[itinerant.commune.epci]}"
    multi = rng.choice([s for s in sites if s.fmt == "Fixe"])
    multi.fmt = "Multisites"
    for parent, c in zip(parents, antennas):
        group = parent.libelle
        next(s for s in sites if s.commune is parent).group = group
        sites.append(_Site(c, "Antenne", f"France services {parent.libelle} - Antenne de {c.libelle}",
                           "Fixe_antenne(s)", group))
    rng.shuffle(sites)
    multi_other = [c for c in communes if c.epci == multi.commune.epci and c is not multi.commune]
    items = []
    for i, site in enumerate(sites, start=1):
        c = site.commune
        lat, lon = _offset(rng, c, 0.3)
        days = []
        for d in range(6):
            if d == 5:
                days.append(saturday_hours(rng))
            elif site.kind == "Antenne":
                days.append(rng.choice(["", "09:00 - 12:00", "13:30 - 17:00"]))
            else:
                days.append(weekday_hours(rng))
        comment = ""
        if site is multi:
            a, b = sorted(rng.sample(multi_other, 2), key=lambda x: x.code)
            comment = FS_COMMENT_MULTILINE.format(a=a.libelle, b=b.libelle)
        elif rng.random() < 0.2:
            comment = rng.choice(["Prise de rendez-vous conseillée", "Possibilité de prendre rendez-vous",
                                  'Accueil itinérant : voir le planning « Bus France services ».'])
        if site.fmt == "Itinérante":
            comment = 'Planning d\'itinérance à retrouver sur notre page web rubrique "L\'agenda du bus".'
        complement = rng.choice(FS_COMPLEMENTS)
        label_date = rng.choice(["01/01/2020", "01/02/2020", "01/07/2020", "01/01/2021", "01/09/2022"])
        address = f"{rng.randint(1, 40)} {rng.choice(STREETS)}"
        phone = fictional_phone(rng)
        row = france_services_row(
            number=i, dep=DEP_CODE, name=site.name, address=address, complement=complement, commune_code=c.code,
            postcode=c.postcode, commune_name=c.libelle, lat=lat, lon=lon, phone=phone, hours=days,
            appointment=rng.choice(FS_APPOINTMENTS), comment=comment, kind=site.kind, fmt=site.fmt, group=site.group,
            label_date=label_date)
        items.append(FranceServices(host=c.pos, kind=site.kind, row=row))
    return items


# ----------------------------------------------------------------------------------------------
# Flows, grants, surveys
# ----------------------------------------------------------------------------------------------


def build_flows(rng: random.Random, t: Territory) -> Flows:
    communes = t.communes
    attractors = [c for c in communes if c.role in ("metropole", "pole", "bourg") or c.canton_seat
                  or (c.role == "suburb" and c.pmun >= 5000)]
    log_lo, log_hi = math.log(80), math.log(3000)
    origin, dest, values = [], [], []
    for c in communes:
        active = 0.42 * c.pmun * rng.uniform(0.96, 1.04)
        if c.role == "metropole":
            stay = rng.uniform(0.63, 0.67)
        elif c.role == "pole":
            stay = rng.uniform(0.42, 0.48)
        elif c.role == "suburb":
            stay = 0.22 + 0.12 * min(1.0, (math.log(c.pmun) - math.log(2000)) / math.log(15))
        else:
            stay = 0.15 + 0.10 * min(1.0, max(0.0, (math.log(c.pmun) - log_lo) / (log_hi - log_lo)))
        flows = {c.code: active * stay}
        scored = []
        for d in attractors:
            if d is c:
                continue
            dist = max(2.0, haversine_km(c.lat, c.lon, d.lat, d.lon))
            mass = d.pmun * (1.5 if d.role == "metropole" else 1.0)
            scored.append((mass / dist ** 2, d.code))
        scored.sort(reverse=True)
        top = scored[:rng.randint(3, 6)]
        # A few always work outside their EPCI (also in the metropole, whose suburbs attract most).
        outside = next(s for s in scored if t.by_code[s[1]].epci != c.epci)
        if outside not in top:
            top.append(outside)
        weights = [s * rng.uniform(0.7, 1.3) for s, _ in top]
        total = sum(weights)
        for (_, code), w in zip(top, weights):
            flows[code] = flows.get(code, 0.0) + active * (1 - stay) * w / total
        for code in sorted(flows):
            value = round(flows[code] * rng.uniform(0.97, 1.03), 6)
            if value >= 0.5:
                origin.append(c.pos)
                dest.append(t.by_code[code].pos)
                values.append(value)
    # Every workplace is a commune of the territory: the table of codes is the communes, in code order.
    origin_a, dest_a = np.array(origin, dtype=np.int64), np.array(dest, dtype=np.int64)
    return Flows([c.code for c in communes], [c.libelle for c in communes], origin_a, dest_a,
                 np.array(values, dtype=np.float64), origin_a, dest_a)


FUNDERS = [("Région d'Exemple", "region"), ("Département du Val-d'Exemple", "departement"),
           (METRO_EPCI_NAME, "metropole")]


def _date_2024(rng: random.Random) -> tuple[int, int]:
    month = rng.randint(1, 11)
    return month, rng.randint(1, 28)


def build_grants(rng: random.Random, t: Territory, places: list[Place], ids: IdFactory) -> list[Grant]:
    funder_ids = {name: ids.siret({"region": "2396", "departement": "2296", "metropole": "2000"}[kind])
                  for name, kind in FUNDERS}
    n_to_places = rng.randint(20, 24)
    n_other = rng.randint(16, 20)
    funded = rng.sample(places, rng.randint(14, 17))
    targets = list(funded) + [rng.choice(funded) for _ in range(n_to_places - len(funded))]
    for p in funded:
        p.siret = ids.siret()
    place_keys = {normalize_name(p.name) for p in places}
    grants = []
    refs = rng.sample(range(1, 400), n_to_places + n_other)

    def funder_for(c: Commune) -> str:
        options = [FUNDERS[0][0], FUNDERS[1][0]] + ([METRO_EPCI_NAME] * 2 if c.epci == t.metro_epci else [])
        return rng.choice(options)

    def amount() -> int:
        return int(round(math.exp(rng.uniform(math.log(2000), math.log(150_000))) * 100))

    other_names: list[tuple[str, str, Commune]] = []
    used = set(place_keys)
    while len(other_names) < n_other:
        c = rng.choice(t.communes)
        name = rng.choice(ASSOCIATION_PATTERNS).format(de=c.name.de)
        if normalize_name(name) in used:
            continue
        used.add(normalize_name(name))
        other_names.append((name, ids.siret(), c))

    beneficiaries = ([(p.name, p.siret, t.communes[p.host], p) for p in targets]
                     + [(n, s, c, None) for n, s, c in other_names])
    for k, (name, siret, c, place) in enumerate(beneficiaries):
        funder = funder_for(c)
        month, day = _date_2024(rng)
        cents = amount()
        share = rng.choice(GRANT_SHARES)
        conditions = rng.choice(GRANT_CONDITIONS)
        period = payment_period(rng, month)
        grants.append(Grant(
            funder=funder, funder_id=funder_ids[funder], date=f"2024-{month:02d}-{day:02d}",
            ref=f"DEL-2024-{refs[k]:03d}", beneficiary=upper_with_double_space(rng, name), beneficiary_id=siret,
            purpose=(rng.choice(GRANT_OBJECTS_PLACE + [GRANT_OBJECTS_BY_TYPO[place.typo]]) if place
                     else rng.choice(GRANT_OBJECTS_OTHER)),
            cents=cents, conditions=conditions, period=period, share=fmt_decimal(share, 2), place=place))
    order = {name: i for i, (name, _) in enumerate(FUNDERS)}
    grants.sort(key=lambda g: (order[g.funder], g.date, g.ref))
    return grants


def build_surveys(rng: random.Random, t: Territory, places: list[Place], ids: IdFactory) -> dict[str, list[list[str]]]:
    n = len(places)
    wave24 = rng.sample(places, round(0.6 * n))
    keep = rng.sample(wave24, round(0.8 * len(wave24)))
    rest = [p for p in places if p not in wave24]
    wave25 = keep + rng.sample(rest, round(0.7 * n) - len(keep))
    info = {}
    for p in places:
        kind = survey_kind(rng, p.typo)
        siret = p.siret or (ids.siret() if rng.random() < 0.8 else "")
        info[p.id] = dict(kind=kind, siret=siret, opened=rng.randint(2008, 2019), statut=rng.choice(STATUTES),
                          hours=rng.choice([20, 25, 30, 35, 40, 45, 50, 55, 60, 70]),
                          profile=survey_profile(rng, kind, t.communes[p.host].pmun),
                          no_revenue=rng.random() < 0.15)
    status = place_statuses(wave24, wave25)
    out = {}
    for year, members in (("2024", wave24), ("2025", wave25)):
        rows = []
        for p in sorted(members, key=lambda q: int(q.id)):
            i = info[p.id]
            prof = i["profile"]
            if year == "2025" and p in wave24:
                prof = evolve(rng, prof)
            c = t.communes[p.host]
            written, opened = status.get((year, p.id), ("ouvert", KEEP))
            opened = i["opened"] if opened == KEEP else opened
            # the economic model is drawn from its own stream, so that the other columns stay as they were
            economy = survey_economy(random.Random(f"economie-{p.id}-{year}"), i["kind"], prof,
                                     None if i["no_revenue"] else written_revenue(prof))
            rows.append(survey_row(year=year, ref=f"TL2019-{p.id}", name=p.name, siret=i["siret"], commune_code=c.code,
                                   commune_name=c.libelle, kind=i["kind"], opened=opened, statut=i["statut"],
                                   hours=i["hours"], profile=prof, no_revenue=i["no_revenue"], place_status=written,
                                   economy=economy))
        out[year] = rows
    return out


KEEP = -1   # place_statuses: the answer keeps the place's opening year


def place_statuses(wave24: list[Place], wave25: list[Place]) -> dict[tuple[str, str], tuple[str, int | None]]:
    """The answers whose status is not a plain "ouvert": (wave, place id) -> (statut_lieu as written, opening
    year: KEEP, None for blank, or a year). Chosen by identifier (no draw, so the other answers stay as they were): the first place answering both
    waves closes in 2025 (open in 2024); the second is "en projet" in 2024 and opens in 2025 (its opening year);
    the first three places answering 2025 only declare themselves in project (synonyms of "en projet"; one gives
    its planned opening year, 2026); every seventh 2024 answer leaves the status blank."""
    in25 = {p.id for p in wave25}
    both = sorted((p for p in wave24 if p.id in in25), key=lambda q: int(q.id))
    only25 = sorted((p for p in wave25 if p not in wave24), key=lambda q: int(q.id))
    out: dict[tuple[str, str], tuple[str, int | None]] = {}
    for p in wave24:
        if int(p.id) % 7 == 0:
            out[("2024", p.id)] = ("", KEEP)
    closing, opening = both[0], both[1]
    out[("2024", closing.id)] = ("ouvert", KEEP)
    out[("2025", closing.id)] = ("Fermé définitivement", KEEP)
    out[("2024", opening.id)] = ("en projet", None)
    out[("2025", opening.id)] = ("ouvert", 2025)
    for p, (written, planned) in zip(only25[:3], (("en cours de création", None), ("Projet", 2026),
                                                   ("en projet", None))):
        out[("2025", p.id)] = (written, planned)
    return out


# ----------------------------------------------------------------------------------------------
# Rows of the commune referentials
# ----------------------------------------------------------------------------------------------


def cog_rows(t: Territory) -> list[list[str]]:
    rows = [cog_row("COM", c.code, c.name, reg=REG_CODE, dep=DEP_CODE, arr=c.arr, canton=c.canton) for c in t.communes]
    rows += [cog_row("COMD", code, name, parent=parent) for code, name, parent in t.comd]
    return rows


def population_rows(t: Territory) -> list[list]:
    return [population_row(reg=REG_CODE, reg_name=REG_NAME, dep=DEP_CODE, arr=c.arr, canton=c.canton, code=c.code,
                           name=c.libelle, pmun=c.pmun, pcap=c.pcap) for c in t.communes]


def communes_france_rows(rng: random.Random, t: Territory) -> list[list]:
    rows = []
    for c in t.communes:
        if c.role == "metropole":
            ha = rng.randint(4000, 4600)
        elif c.role == "pole":
            ha = rng.randint(1800, 5000)
        elif c.role == "suburb":
            ha = rng.randint(500, 2600)
        else:
            ha = int(_lognormal_in(rng, 2200, 0.45, 600, 7000))
        level = density_level(density_per_km2(c.pmun, ha), c.pmun, c.role)
        c.extra["density_level"] = level        # the ANCT density grid of the referential files agrees
        alt = int(340 + 7 * c.dist_centre + rng.uniform(0, 260))
        alt_min = alt - rng.randint(20, 160)
        alt_max = alt + rng.randint(40, 420)
        town_hall = _offset(rng, c, 0.2, 0.0)
        equip = (4 if c.role in ("metropole", "pole") else 3 if c.pmun >= 8000
                 else 2 if c.role == "bourg" or c.pmun >= 2500 else 1 if c.canton_seat else 0)
        rows.append(communes_france_row(
            code=c.code, name=c.name, reg=REG_CODE, reg_name=REG_NAME, dep=DEP_CODE, dep_name=DEP_NAME,
            canton=c.canton, canton_name=t.canton_names[c.canton], epci=c.epci, epci_name=t.epci_names[c.epci],
            postcode=c.postcode, postcodes=f"{DEP_CODE}000, {DEP_CODE}100" if c.role == "metropole" else c.postcode,
            ze=c.ze, ze_centre=t.ze_centres[c.ze], population=c.pmun, hectares=ha, altitude=alt,
            altitude_min=alt_min, altitude_max=alt_max, town_hall=town_hall, centre=(c.lat, c.lon), level=level,
            equipment=equip))
    return rows


# ----------------------------------------------------------------------------------------------
# The whole draw
# ----------------------------------------------------------------------------------------------


def draw(seed: int, scale: float = 1.0, say: Callable[[str], None] = lambda msg: None) -> Drawn:
    """Draw the département from ``seed`` (it has one size: ``scale`` must be 1)."""
    if scale != 1.0:
        raise ValueError("le territoire de démonstration n'a qu'une taille (échelle 1)")
    root = random.Random(seed)
    r_geo, r_places, r_fs, r_flows, r_grants, r_surveys, r_rows, r_ids = (
        random.Random(root.getrandbits(64)) for _ in range(8))
    ids = IdFactory(r_ids)

    t = build_territory(r_geo, ids)
    check_min_distance(t.communes)
    places = build_places(r_places, t)
    fs_list = build_france_services(r_fs, t)
    flows = build_flows(r_flows, t)
    grants = build_grants(r_grants, t, places, ids)
    surveys = build_surveys(r_surveys, t, places, ids)

    def publications() -> Iterator[tuple[str, list]]:
        yield layout.COG, cog_rows(t)
        yield layout.POP, population_rows(t)
        yield layout.GEO, communes_france_rows(r_rows, t)
        yield layout.INV, inventory_rows(r_rows, t, places)
        yield layout.FS, [fs.row for fs in fs_list]
        yield layout.FLOWS, flows
        yield layout.GRANTS, [grant_row(g) for g in grants]
        for year, rows in surveys.items():
            yield layout.SURVEYS[year], rows

    communes = t.communes
    facts = Facts(
        territory={"name": TERRITORY_NAME, "departement": DEP_CODE, "departement_name": DEP_NAME,
                   "region": REG_CODE, "region_name": REG_NAME},
        codes=np.array([c.code for c in communes], dtype=object), dep=np.full(len(communes), DEP_CODE, dtype=object),
        epci=np.array([c.epci for c in communes], dtype=object),
        canton=np.array([c.canton for c in communes], dtype=object),
        pmun=np.array([c.pmun for c in communes], dtype=np.int64), epci_names=t.epci_names,
        canton_names=t.canton_names, places=places, france_services=fs_list, flows=flows, grants=grants,
        surveys=surveys, n_delegated=len(t.comd), commune_names=[c.libelle for c in communes],
        postcodes=[c.postcode for c in communes], centres=[(c.lat, c.lon) for c in communes])
    return Drawn(publications(), facts, lambda out_dir: write_referential(
        out_dir, t, places, seed, DEP_CODE, DEP_NAME, REG_CODE, REG_NAME, ids))
