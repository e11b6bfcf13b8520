"""Reference figures computed INDEPENDENTLY from the publishers' raw files of ``../shared/data``.

Nothing here imports project code (no ``ingest``, ``orchestration``, ``dbt_project`` or ``dashboards``):
only the standard library (``csv``, ``json``) and numpy. The point is to recompute the figures the
product publishes by another route, so that an end-to-end test can compare the two.

Every public function takes the data folder (a :class:`~pathlib.Path`, normally ``../shared/data``)
and returns plain Python values (int, float, str, tuple, list, dict, set, Counter).

Conventions shared by all functions (see ``SOURCES.md`` next to the data for the file quirks):

* Commune codes are 5-character INSEE strings ("01001", "2A004", "97101"), never ints.
* The commune referential is INSEE COG 2022 (``insee_cog/commune_2022.csv``); only its
  ``TYPECOM == "COM"`` rows are communes. Arrondissements (ARM) and delegated / associated communes
  (COMD / COMA) are attached to their ``COMPARENT``.
* Paris, Lyon and Marseille are the communes 75056, 69123 and 13055; their municipal arrondissements
  (75101-75120, 69381-69389, 13201-13216) are summed into them.
"""

from __future__ import annotations

import csv
import json
import math
from collections import Counter, defaultdict
from functools import lru_cache
from pathlib import Path

import numpy as np

EARTH_RADIUS_KM = 6371.0

#: Municipal arrondissement code ranges -> parent commune (fixed by law since 1982/1987).
PLM_PARENTS = {"75056": ("75101", "75120"), "69123": ("69381", "69389"), "13055": ("13201", "13216")}

#: INSEE région codes in force since 2016-01-01 (loi NOTRe), DROM included.
REGIONS_2016 = {"01", "02", "03", "04", "06", "11", "24", "27", "28", "32", "44", "52", "53", "75", "76",
                "84", "93", "94"}
#: INSEE région codes of 1982-2015 that disappeared on 2016-01-01 (not reused afterwards).
REGIONS_PRE_2016_ONLY = {"21", "22", "23", "25", "26", "31", "41", "42", "43", "54", "72", "73", "74",
                         "82", "83", "91"}


# --------------------------------------------------------------------------------------------------
# low-level readers


def _read_csv(path: Path, delimiter: str = ",", encoding: str = "utf-8") -> list[dict[str, str]]:
    """All rows of a CSV file as dicts, read with the csv module (handles quoted embedded newlines)."""
    with open(path, encoding=encoding, newline="") as fh:
        return list(csv.DictReader(fh, delimiter=delimiter))


def plm_parent(code: str) -> str | None:
    """The commune (75056 / 69123 / 13055) of a Paris / Lyon / Marseille arrondissement code, else None."""
    for parent, (first, last) in PLM_PARENTS.items():
        if len(code) == 5 and code.isdigit() and first <= code <= last:
            return parent
    return None


@lru_cache(maxsize=8)
def _cog_2022(data: Path) -> tuple[dict[str, dict[str, str]], dict[str, str]]:
    """(COM rows of COG 2022 keyed by code, {non-COM code -> COMPARENT}).

    A code can appear both as a COM and as a COMD (the delegated commune that kept the code of the
    commune nouvelle); the COM row wins, the second dict only holds codes that are NOT a COM."""
    rows = _read_csv(data / "insee_cog" / "commune_2022.csv")
    com = {r["COM"]: r for r in rows if r["TYPECOM"] == "COM"}
    parent = {r["COM"]: r["COMPARENT"] for r in rows
              if r["TYPECOM"] != "COM" and r["COM"] not in com and r["COMPARENT"]}
    return com, parent


def cog_2022_commune(data: Path, code: str) -> str | None:
    """The COG 2022 COM code a code designates: itself if it is a COM, its COMPARENT if it is an
    ARM / COMD / COMA, else None (code unknown to COG 2022)."""
    com, parent = _cog_2022(Path(data))
    if code in com:
        return code
    return parent.get(code)


def land_mass(code: str) -> str:
    """Land-mass key of a commune code, used to search the nearest facility only on the same land:
    each overseas département (971 Guadeloupe, 972 Martinique, 973 Guyane, 974 La Réunion,
    976 Mayotte) and any other overseas code prefix (e.g. 978 Saint-Martin) is its own key, Corsica
    (2A / 2B) is "corse", everything else is "mainland"."""
    if code.startswith("97") or code.startswith("98"):
        return code[:3]
    if code[:2] in ("2A", "2B"):
        return "corse"
    return "mainland"


# --------------------------------------------------------------------------------------------------
# 1. populations


def population_by_commune(data: Path) -> dict[str, int]:
    """Municipal population (PMUN) per 5-character INSEE code, from insee_cog/donnees_communes.csv.

    The file splits the code: it is CODDEP + CODCOM ("01" + "001"), except overseas where CODDEP has
    3 characters ("971") and the code is CODDEP[:2] + CODCOM ("97" + "101"). Paris, Lyon and Marseille
    are only given by arrondissement (75101-75120, 69381-69389, 13201-13216): their populations are
    summed into 75056, 69123 and 13055. No other re-coding is done: the file is COG 2021, so the
    10 communes merged on 2022-01-01 keep their 2021 codes. Mayotte is absent from the file."""
    pop: Counter = Counter()
    for r in _read_csv(Path(data) / "insee_cog" / "donnees_communes.csv", delimiter=";"):
        code = r["CODDEP"][:2] + r["CODCOM"]
        pop[plm_parent(code) or code] += int(r["PMUN"])
    return dict(pop)


def population_by_arrondissement(data: Path) -> dict[str, int]:
    """Like :func:`population_by_commune` but Paris / Lyon / Marseille are kept as their 45
    arrondissements (the file's own granularity, no summing)."""
    pop: Counter = Counter()
    for r in _read_csv(Path(data) / "insee_cog" / "donnees_communes.csv", delimiter=";"):
        pop[r["CODDEP"][:2] + r["CODCOM"]] += int(r["PMUN"])
    return dict(pop)


def population_total(data: Path) -> int:
    """Sum of PMUN over every row of insee_cog/donnees_communes.csv (France without Mayotte)."""
    return sum(population_by_commune(data).values())


# --------------------------------------------------------------------------------------------------
# 2. cantons


def is_pseudo_canton(can: str) -> bool:
    """INSEE pseudo-cantons (codes whose last two digits are 90-99) group the communes split between
    several cantons ("0199", "97193"); they are not real cantons."""
    return can[-2:].isdigit() and 90 <= int(can[-2:]) <= 99


def real_cantons(data: Path) -> set[str]:
    """Distinct non-empty CAN codes of the COM rows of COG 2022 that are not pseudo-cantons.

    COMD / COMA / ARM rows are ignored (only COM rows define a commune's canton). Communes with an
    empty CAN (Paris, the 59 communes of the Métropole de Lyon, Martinique, Guyane) have no canton."""
    com, _ = _cog_2022(Path(data))
    return {r["CAN"] for r in com.values() if r["CAN"] and not is_pseudo_canton(r["CAN"])}


# --------------------------------------------------------------------------------------------------
# 3. France Services


def _france_services_rows(data: Path) -> list[dict[str, str]]:
    """The 2,845 France Services records (csv module: 6 fields contain embedded newlines)."""
    return _read_csv(Path(data) / "anct_france_services_2024" / "liste-fs-20240801.csv")


def france_services_placement(data: Path) -> tuple[dict[str, int], list[tuple[str, str]]]:
    """Number of France Services per COG 2022 commune, and the records that cannot be placed.

    Each record's ``insee_com`` is harmonised to COG 2022: a COM code stays; an arrondissement (ARM)
    or a delegated / associated commune (COMD / COMA) goes to its COMPARENT. Codes absent from
    COG 2022 (Saint-Martin 97801, a collectivité d'outre-mer outside the commune file) are returned as
    a list of (id_fs, insee_com), sorted by id."""
    placed: Counter = Counter()
    unplaced: list[tuple[str, str]] = []
    for r in _france_services_rows(data):
        target = cog_2022_commune(data, r["insee_com"])
        if target is None:
            unplaced.append((r["id_fs"], r["insee_com"]))
        else:
            placed[target] += 1
    unplaced.sort(key=lambda t: int(t[0]) if t[0].isdigit() else t[0])
    return dict(placed), unplaced


def france_services_by_commune(data: Path) -> dict[str, int]:
    """Number of France Services per COG 2022 COM code (see :func:`france_services_placement`)."""
    return france_services_placement(data)[0]


def france_services_points(data: Path) -> list[tuple[float, float, str]]:
    """(latitude, longitude, insee_com) of every France Services record, as published (WGS84)."""
    return [(float(r["latitude"]), float(r["longitude"]), r["insee_com"])
            for r in _france_services_rows(data)]


# --------------------------------------------------------------------------------------------------
# 4. cantons without France Services


def cantons_without_france_services(data: Path) -> set[str]:
    """Real cantons (see :func:`real_cantons`) none of whose communes hosts a France Services.

    A canton's communes are the COG 2022 COM rows with that CAN; a commune hosts a France Services if
    :func:`france_services_by_commune` counts at least one for it. Caveat: a town split between
    several cantons carries a pseudo-canton code, so a France Services located in it counts for no
    real canton."""
    com, _ = _cog_2022(Path(data))
    hosts = france_services_by_commune(data)
    served = {com[c]["CAN"] for c in hosts if com[c]["CAN"]}
    return real_cantons(data) - served


# --------------------------------------------------------------------------------------------------
# 5. CGET 2019 tiers-lieux inventory: régions


@lru_cache(maxsize=8)
def _etalab_maps(data: Path) -> tuple[dict[str, str], dict[str, str], dict[str, set[str]]]:
    """From etalab_decoupage_administratif/communes.json (recent COG):
    ({current commune code -> région}, {old / delegated / associated / arrondissement code -> current
    commune code}, {postcode -> set of régions of the communes it serves}). Only metropolitan and
    DROM communes (zone metro / drom) are used for régions; COM (Saint-Martin...) have no région."""
    items = json.loads((Path(data) / "etalab_decoupage_administratif" / "communes.json")
                       .read_text(encoding="utf-8"))
    region: dict[str, str] = {}
    old_to_current: dict[str, str] = {}
    postcode_regions: dict[str, set[str]] = defaultdict(set)
    for it in items:
        if it.get("zone") not in ("metro", "drom"):
            continue
        if it["type"] == "commune-actuelle":
            region[it["code"]] = it["region"]
            for old in it.get("anciensCodes", []):
                old_to_current.setdefault(old, it["code"])
        else:
            parent = it.get("chefLieu") or it.get("commune")
            if parent:
                old_to_current.setdefault(it["code"], parent)
        for cp in it.get("codesPostaux", []):
            postcode_regions[cp].add(it["region"])
    return region, old_to_current, dict(postcode_regions)


def _region_from_postcode(data: Path, cp: str) -> str | None:
    """The région of a postcode when all the communes it serves are in one région, else None."""
    if not cp or cp == "0":
        return None
    regs = _etalab_maps(Path(data))[2].get(cp.zfill(5), set())
    return next(iter(regs)) if len(regs) == 1 else None


def region_of_code(data: Path, code: str, cp: str = "") -> tuple[str | None, str]:
    """(région, how) of a published commune code, ``how`` naming the route used:

    * "cog2022" - a COG 2022 COM code: its REG;
    * "cog2022_parent" - an ARM / COMD / COMA code: the REG of its COMPARENT;
    * "etalab_old_code" - unknown to COG 2022 but an old / delegated code of a current commune of
      etalab's communes.json (``anciensCodes`` / ``chefLieu``): that commune's région;
    * "postcode" - otherwise the row's postcode, if it serves communes of a single région;
    * "missing" / "unresolved" - empty or "0" code / nothing worked (région None)."""
    data = Path(data)
    if not code or code == "0":
        return None, "missing"
    com, parent = _cog_2022(data)
    if code in com:
        return com[code]["REG"], "cog2022"
    if code in parent and parent[code] in com:
        return com[parent[code]]["REG"], "cog2022_parent"
    region, old_to_current, _ = _etalab_maps(data)
    current = old_to_current.get(code)
    if current:
        if current in com:
            return com[current]["REG"], "etalab_old_code"
        if current in region:
            return region[current], "etalab_old_code"
    reg = _region_from_postcode(data, cp)
    if reg:
        return reg, "postcode"
    return None, "unresolved"


def inventory_regions(data: Path) -> dict:
    """Régions of the 1,512 tiers-lieux of cget_tierslieux_2019/CGET_TiersLieux_2019.csv.

    For each row, the région given by its published INSEECOM through COG 2022 (see
    :func:`region_of_code`) is compared with the file's own INSEEREG. CP="0" and INSEECOM="0" are the
    file's sentinels for "missing": a row whose INSEECOM is "0" has no code and is NOT counted in
    ``by_region_code``; its région is instead looked up from its postcode (when not "0") and reported
    in ``by_region_postcode`` / ``without_code`` for information.

    Returns a dict:

    * ``by_region_file``: Counter of INSEEREG as published ("" for the empty ones);
    * ``by_region_code``: Counter of the région derived from INSEECOM (rows with a usable code only);
    * ``rows_without_code``: number of rows with no usable code (so that
      ``sum(by_region_code.values()) + rows_without_code == 1512``);
    * ``how``: Counter of the routes used (cog2022, cog2022_parent, etalab_old_code, postcode,
      missing, unresolved);
    * ``by_region_postcode``: Counter of the région derived from CP for the rows without a code
      (None when CP is "0" or serves several régions);
    * ``without_code``: list of dicts (ID, NOM_TL, CP, INSEEREG, INSEEDEP, region_from_postcode);
    * ``disagreements``: list of dicts (ID, NOM_TL, INSEECOM, CP, INSEEREG, region_from_code,
      reason) for the rows with a code whose région differs from INSEEREG (empty INSEEREG
      included) or whose code could not be resolved;
    * ``inseereg_vintage``: "post-2016" if every non-empty INSEEREG is a région code of 2016 onwards
      and none is a pre-2016-only code, "pre-2016" in the opposite case, else "mixed"."""
    data = Path(data)
    rows = _read_csv(data / "cget_tierslieux_2019" / "CGET_TiersLieux_2019.csv")
    by_file: Counter = Counter()
    by_code: Counter = Counter()
    by_cp: Counter = Counter()
    how_count: Counter = Counter()
    without: list[dict] = []
    disagreements: list[dict] = []
    for r in rows:
        file_reg = r["INSEEREG"].strip()
        by_file[file_reg] += 1
        code, cp = r["INSEECOM"].strip(), r["CP"].strip()
        if code in ("", "0"):
            how_count["missing"] += 1
            reg_cp = _region_from_postcode(data, cp)
            by_cp[reg_cp] += 1
            without.append({"ID": r["ID"], "NOM_TL": r["NOM_TL"], "CP": cp, "INSEEREG": file_reg,
                            "INSEEDEP": r["INSEEDEP"], "region_from_postcode": reg_cp})
            continue
        reg, how = region_of_code(data, code, cp)
        how_count[how] += 1
        if reg is None:
            disagreements.append({"ID": r["ID"], "NOM_TL": r["NOM_TL"], "INSEECOM": code, "CP": cp,
                                  "INSEEREG": file_reg, "region_from_code": None,
                                  "reason": "INSEECOM unknown to COG 2022 / etalab, postcode unusable"})
            continue
        by_code[reg] += 1
        if reg != file_reg:
            if not file_reg:
                reason = f"INSEEREG empty in the file; INSEECOM {code} is in région {reg} ({how})"
            else:
                reason = (f"INSEEREG {file_reg} but INSEECOM {code} is in région {reg} ({how}); "
                          f"file NOMCOM={r['NOMCOM']!r}, INSEEDEP={r['INSEEDEP']!r}")
            disagreements.append({"ID": r["ID"], "NOM_TL": r["NOM_TL"], "INSEECOM": code, "CP": cp,
                                  "INSEEREG": file_reg, "region_from_code": reg, "reason": reason})
    published = {k for k in by_file if k}
    if published <= REGIONS_2016 and not published & REGIONS_PRE_2016_ONLY:
        vintage = "post-2016"
    elif published <= (REGIONS_PRE_2016_ONLY | {"01", "02", "03", "04", "11", "24", "52", "53", "93", "94"}):
        vintage = "pre-2016"
    else:
        vintage = "mixed"
    rows_without_code = len(rows) - sum(by_code.values())
    return {"by_region_file": by_file, "by_region_code": by_code, "rows_without_code": rows_without_code,
            "how": how_count, "by_region_postcode": by_cp, "without_code": without,
            "disagreements": disagreements, "inseereg_vintage": vintage, "rows": len(rows)}


# --------------------------------------------------------------------------------------------------
# 6. distance to the nearest facility


def _haversine_a(lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray) -> np.ndarray:
    """The haversine 'a' term (monotonic in the distance) for radians arrays broadcast together."""
    dlat = lat2 - lat1
    dlon = lon2 - lon1
    return np.sin(dlat / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin(dlon / 2) ** 2


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km on a sphere of radius 6371.0 km (no rounding)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (math.sin((p2 - p1) / 2) ** 2
         + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2)
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, a)))


def nearest_facility_km(centres: dict[str, tuple[float, float]], facilities: list[tuple],
                        group: dict[str, str] | None = None, chunk: int = 2000) -> dict[str, float]:
    """Distance (km, rounded to the metre) from each centre to its nearest facility.

    Brute force with numpy in chunks of ``chunk`` centres x all facilities (haversine, R = 6371.0 km).
    Without ``group``, ``facilities`` are (lat, lon[, ...]) and every facility is a candidate. With
    ``group`` (code -> land-mass key), ``facilities`` are (lat, lon, key) and a centre only considers
    the facilities of its own key; a centre whose key has no facility (or no key) gets ``inf``.
    Rounding: ``round(d * 1000) / 1000`` (numpy half-to-even, irrelevant in practice)."""
    out: dict[str, float] = {}
    if group is None:
        batches = {None: (list(centres), facilities)}
    else:
        by_key: dict[str, list] = defaultdict(list)
        for f in facilities:
            by_key[f[2]].append(f)
        codes_by_key: dict[str | None, list[str]] = defaultdict(list)
        for code in centres:
            codes_by_key[group.get(code)].append(code)
        batches = {k: (codes, by_key.get(k, [])) for k, codes in codes_by_key.items()}
    for codes, facs in batches.values():
        if not codes:
            continue
        if not facs:
            out.update({c: math.inf for c in codes})
            continue
        flat = np.radians(np.array([f[0] for f in facs], dtype=float))[None, :]
        flon = np.radians(np.array([f[1] for f in facs], dtype=float))[None, :]
        clat_all = np.radians(np.array([centres[c][0] for c in codes], dtype=float))
        clon_all = np.radians(np.array([centres[c][1] for c in codes], dtype=float))
        for start in range(0, len(codes), chunk):
            clat = clat_all[start:start + chunk, None]
            clon = clon_all[start:start + chunk, None]
            a_min = _haversine_a(clat, clon, flat, flon).min(axis=1)
            d = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a_min, 0.0, 1.0)))
            d = np.round(d * 1000.0) / 1000.0
            out.update(zip(codes[start:start + chunk], d.tolist()))
    return out


def share_population_within_km(centres: dict[str, tuple[float, float]], population: dict[str, int],
                               facilities: list[tuple], km: float,
                               group: dict[str, str] | None = None) -> float:
    """Population-weighted share of the communes whose centre is within ``km`` of the nearest facility.

    Only communes present in BOTH ``centres`` and ``population`` count (numerator and denominator).
    Distance: haversine, R = 6371.0 km, rounded to the metre, ``<= km`` counts as within (see
    :func:`nearest_facility_km`). With ``group`` (code -> land-mass key, e.g. :func:`land_mass`),
    ``facilities`` are (lat, lon, key) and the nearest facility is searched only among those of the
    commune's own key (overseas communes are served by facilities of their own territory)."""
    codes = [c for c in centres if c in population]
    dist = nearest_facility_km({c: centres[c] for c in codes}, facilities, group)
    total = sum(population[c] for c in codes)
    within = sum(population[c] for c in codes if dist[c] <= km)
    return within / total if total else float("nan")


# --------------------------------------------------------------------------------------------------
# 7. commune centres (datas.fun 2024)


def datasfun_centres(data: Path, arrondissements: bool = False) -> dict[str, tuple[float, float]]:
    """(lat, lng) per insee_com from datasfun_communes_2024/communes.csv.

    By default the COM rows; with ``arrondissements=True`` the ARM rows (the 45 arrondissements of
    Paris / Lyon / Marseille) instead. The file repeats a commune once per postcode (e.g. 75116 as
    75016 and 75116); those duplicates carry identical coordinates and are collapsed (a ValueError is
    raised if two rows of one code disagree). Rows without lat/lng (60694, 85165, 85212) are
    skipped. The file is COG 2024 and holds no row for 75056 / 69123 / 13055 (see
    :func:`national_centres`)."""
    wanted = "ARM" if arrondissements else "COM"
    out: dict[str, tuple[float, float]] = {}
    for r in _read_csv(Path(data) / "datasfun_communes_2024" / "communes.csv"):
        if r["commune_type"] != wanted or not r["lat"].strip() or not r["lng"].strip():
            continue
        pt = (float(r["lat"]), float(r["lng"]))
        if out.setdefault(r["insee_com"], pt) != pt:
            raise ValueError(f"datas.fun: two different points for {r['insee_com']}")
    return out


def national_centres(data: Path) -> dict[str, tuple[float, float]]:
    """datas.fun COM centres plus, for 75056 / 69123 / 13055 (absent as COM rows), the arithmetic
    mean (lat, lon) of their arrondissements' points (20 / 9 / 16 ARM rows)."""
    centres = datasfun_centres(data)
    arm = datasfun_centres(data, arrondissements=True)
    for parent in PLM_PARENTS:
        pts = [pt for code, pt in arm.items() if plm_parent(code) == parent]
        centres[parent] = (sum(p[0] for p in pts) / len(pts), sum(p[1] for p in pts) / len(pts))
    return centres


def france_services_access_shares(data: Path, kms=(5, 10, 20), same_land_mass: bool = True
                                  ) -> dict[float, float]:
    """National share of the population (insee_cog/donnees_communes.csv, Mayotte absent) living in a
    commune whose centre (:func:`national_centres`) is within 5 / 10 / 20 km of a France Services
    (all 2,845 points of the 2024 list, Saint-Martin included). With ``same_land_mass`` the nearest
    facility is searched on the commune's own land mass (:func:`land_mass` of the commune code and of
    the facility's insee_com)."""
    data = Path(data)
    centres = national_centres(data)
    pop = population_by_commune(data)
    codes = [c for c in centres if c in pop]
    pts = france_services_points(data)
    if same_land_mass:
        group = {c: land_mass(c) for c in codes}
        facs = [(lat, lon, land_mass(code)) for lat, lon, code in pts]
    else:
        group, facs = None, [(lat, lon) for lat, lon, _ in pts]
    dist = nearest_facility_km({c: centres[c] for c in codes}, facs, group)
    total = sum(pop[c] for c in codes)
    return {km: sum(pop[c] for c in codes if dist[c] <= km) / total for km in kms}


if __name__ == "__main__":  # pragma: no cover - manual report
    import sys

    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1].parent / "shared" / "data"
    print("population_total", population_total(folder))
    print("real_cantons", len(real_cantons(folder)))
    placed, unplaced = france_services_placement(folder)
    print("france services placed", sum(placed.values()), "communes", len(placed), "unplaced", unplaced)
    print("cantons without FS", len(cantons_without_france_services(folder)))
    inv = inventory_regions(folder)
    print("inventory", {k: v for k, v in inv.items() if k not in ("disagreements", "without_code")})
    print("disagreements", len(inv["disagreements"]))
    for d in inv["disagreements"]:
        print("  ", d)
    for rule in (False, True):
        print("same_land_mass" if rule else "any facility",
              {k: round(100 * v, 2) for k, v in france_services_access_shares(folder, same_land_mass=rule).items()})


# --------------------------------------------------------------------------------------------------
# conseillers numériques: the State's estimated investment (anct_conseillers_numeriques/cnfs.json)

CNFS_AMOUNT = "investissement_financier_estimatif_total_de_l.etat"


def conseillers_numeriques_investment(data: Path) -> tuple[float, float, int]:
    """(total of the published investment over every host structure, the part of the structures published
    without a commune code, their number). The published code is ``insee_com`` (a 4-digit code lost its zero:
    still a code); a structure without one cannot be placed by its code."""
    rows = json.loads((data / "anct_conseillers_numeriques" / "cnfs.json").read_text(encoding="utf-8"))
    total = sum(float(r[CNFS_AMOUNT]) for r in rows if r.get(CNFS_AMOUNT) not in (None, ""))
    without = [r for r in rows if not str(r.get("insee_com") or "").strip()]
    return total, sum(float(r[CNFS_AMOUNT]) for r in without if r.get(CNFS_AMOUNT) not in (None, "")), len(without)
