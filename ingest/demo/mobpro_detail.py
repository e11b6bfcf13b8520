"""The census detail file of home-to-work mobility (INSEE « fichier détail MOBPRO ») for a synthetic territory,
and the telework truth of the demo computed from it.

The file holds one row per weighted individual in INSEE's layout (``FD_MOBPRO_2020.csv`` in
``RP2020_mobpro_csv.zip``, with its ``Varmod_MOBPRO_2020.csv`` documentation member, ``;``-separated, no
quotes). It is drawn from the flows file the generator already wrote (:class:`ingest.demo.records.Flows`), so
the two agree as INSEE's do: the weights ``IPONDI`` of the individuals of a (residence, workplace) pair add up
exactly to the pair's flow. Each flow of ``value`` workers becomes ``max(1, round(value / mean_weight))``
individuals sharing the value in billionths; their occupation (``CS1``) and transport mode (``TRANS``, 2017+
codes) are drawn (mode depending on whether they work in their own commune or abroad); the other published
variables get plausible values.

:func:`write_demo` is the source's demo writer (``ingest/sources/mobpro_detail.py``); at national scale it
writes one individual per flow (the benchmark's 9-million-row file is :func:`write_stress_detail`).
:func:`telework_truth` recomputes the demo's telework figures from the files written (the detail file, the
commune centres of the communes-france file, the places) and from the parameters the warehouse uses (the
seeds ``ref_telework_occupations`` and ``ref_transport_modes``, the ``telework_*`` vars of dbt_project.yml):
nothing of the warehouse's code is used.
"""

from __future__ import annotations

import csv
import io
import math
import zipfile
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

YEAR = 2020
ZIP_NAME = f"RP{YEAR}_mobpro_csv.zip"
MEMBER = f"FD_MOBPRO_{YEAR}.csv"
VARMOD = f"Varmod_MOBPRO_{YEAR}.csv"
# INSEE's variables of the detail file (contenu_RP2020_mobpro / Varmod_MOBPRO_2020), in the published order.
COLUMNS = ("COMMUNE", "ARM", "DCFLT", "DCLT", "AGEREVQ", "CS1", "DEROU", "DIPL", "EMPL", "ILT", "ILTUU", "IMMI",
           "INATC", "INEEM", "INPOM", "INPSM", "IPONDI", "LPRM", "METRODOM", "MOCO", "NA17", "NA5", "NPERR", "REGION",
           "REGLT", "SEXE", "STAT", "STOCD", "TP", "TRANS", "TYPL", "TYPMR", "VOIT")
DEMO_MEAN_WEIGHT = 2.5        # about what IPONDI weighs in a commune of the census's rotating sample
NATIONAL_PER_FLOW = 1          # individuals per flow in the national mirror (the stress file has about 9)
STRESS_ROWS = 9_000_000

OCCUPATIONS = ("1", "2", "3", "4", "5", "6")
OCCUPATION_P = (0.015, 0.065, 0.20, 0.26, 0.27, 0.19)
MODES = ("1", "2", "3", "4", "5", "6")
MODE_P_SAME_COMMUNE = (0.10, 0.22, 0.06, 0.03, 0.49, 0.10)
MODE_P_OTHER_COMMUNE = (0.0, 0.01, 0.03, 0.02, 0.80, 0.14)
MODE_P_ABROAD = (0.0, 0.0, 0.0, 0.0, 0.85, 0.15)
# Other published variables: plausible modalities (not used by the warehouse, kept as published).
OTHER_VALUES = {
    "AGEREVQ": ("020", "025", "030", "035", "040", "045", "050", "055", "060"), "DEROU": ("0", "1", "2"),
    "DIPL": ("01", "02", "03", "11", "12", "13", "14", "15", "16", "17", "18", "19"),
    "EMPL": ("11", "12", "13", "14", "15", "16", "21", "22", "23"), "ILTUU": ("1", "2", "3", "Z"),
    "IMMI": ("1", "2"), "INATC": ("1", "2"), "INEEM": ("1", "2", "3", "4"), "INPOM": ("0", "1", "2"),
    "INPSM": ("0", "1", "2"), "LPRM": ("1", "2", "3"), "MOCO": ("11", "12", "21", "22", "23", "31", "32"),
    "NA17": ("AZ", "C5", "FZ", "GZ", "HZ", "KZ", "MN", "OQ", "RU"), "NA5": ("AZ", "BE", "FZ", "GU", "OQ"),
    "NPERR": ("1", "2", "3", "4", "5", "6"), "SEXE": ("1", "2"), "STAT": ("10", "21", "22", "23"),
    "STOCD": ("10", "21", "22", "23", "30"), "TP": ("1", "2"), "TYPL": ("1", "2", "3", "4", "5", "6"),
    "TYPMR": ("11", "12", "21", "22", "30", "41", "42", "43", "44"), "VOIT": ("0", "1", "2", "3"),
}
VARMOD_ROWS = (
    ("TRANS", "Mode de transport principal le plus souvent utilisé pour aller travailler", "1", "Pas de transport"),
    ("TRANS", "Mode de transport principal le plus souvent utilisé pour aller travailler", "2",
     "Marche à pied (ou rollers, patinette)"),
    ("TRANS", "Mode de transport principal le plus souvent utilisé pour aller travailler", "3",
     "Vélo (y compris à assistance électrique)"),
    ("TRANS", "Mode de transport principal le plus souvent utilisé pour aller travailler", "4", "Deux-roues motorisé"),
    ("TRANS", "Mode de transport principal le plus souvent utilisé pour aller travailler", "5",
     "Voiture, camion, fourgonnette"),
    ("TRANS", "Mode de transport principal le plus souvent utilisé pour aller travailler", "6", "Transports en commun"),
) + tuple(("CS1", "Catégorie socioprofessionnelle en 8 postes", k, v) for k, v in (
    ("1", "Agriculteurs exploitants"), ("2", "Artisans, commerçants et chefs d'entreprise"),
    ("3", "Cadres et professions intellectuelles supérieures"), ("4", "Professions Intermédiaires"),
    ("5", "Employés"), ("6", "Ouvriers")))


def _relative_path() -> str:
    from ingest.demo.layout import MIRROR_PATHS  # not at import: the layout reads the source declarations

    (rel,) = MIRROR_PATHS["mobpro_detail"]
    return rel


def _individuals(flows, communes: np.ndarray, region: str, per_flow: float | None, mean_weight: float,
                 rng: np.random.Generator) -> dict[str, pa.Array]:
    """The individuals of ``flows`` as Arrow string columns, in the published order. Each flow gets
    ``per_flow`` individuals (rounded at random), or ``max(1, round(value / mean_weight))``."""
    values = np.asarray(flows.values, dtype=np.float64)
    micro = np.rint(values * 1e6).astype(np.int64)
    if per_flow is not None:
        n = np.floor(per_flow + rng.random(len(values))).astype(np.int64).clip(1, None)
    else:
        n = np.maximum(1, np.rint(values / mean_weight)).astype(np.int64)
    flow = np.repeat(np.arange(len(values)), n)
    first = np.repeat(np.cumsum(n) - n, n)
    k = np.arange(len(flow)) - first                      # rank of the individual within its flow
    nano = micro[flow] * 1000
    weight = nano // n[flow] + (k < nano % n[flow])       # billionths; they add up to the flow exactly
    codes = np.asarray(flows.table_codes, dtype=object)
    origin_city = communes[np.asarray(flows.origin_commune)[flow]]
    origin_code = codes[np.asarray(flows.origin)[flow]]
    dest_code = codes[np.asarray(flows.dest)[flow]]
    abroad = np.asarray(flows.dest_commune)[flow] < 0
    same = np.asarray(flows.dest_commune)[flow] == np.asarray(flows.origin_commune)[flow]
    m = len(flow)

    def draw(choices, p, size):
        return np.asarray(choices, dtype=object)[rng.choice(len(choices), size=size, p=np.asarray(p) / sum(p))]

    trans = np.where(same, draw(MODES, MODE_P_SAME_COMMUNE, m),
                     np.where(abroad, draw(MODES, MODE_P_ABROAD, m), draw(MODES, MODE_P_OTHER_COMMUNE, m)))
    same_dep = np.array([a[:2] == b[:2] for a, b in zip(origin_city, dest_code)]) if m < 2_000_000 else \
        pc.equal(pc.utf8_slice_codeunits(pa.array(origin_city, pa.string()), 0, 2),
                 pc.utf8_slice_codeunits(pa.array(dest_code, pa.string()), 0, 2)).to_numpy(zero_copy_only=False)
    ilt = np.where(same, "1", np.where(abroad, "7", np.where(same_dep, "2", "3"))).astype(object)
    whole = pc.cast(pa.array(weight // 1_000_000_000), pa.string())
    frac = pc.utf8_lpad(pc.cast(pa.array(weight % 1_000_000_000), pa.string()), 9, "0")
    cols: dict[str, pa.Array] = {
        "COMMUNE": pa.array(origin_city, pa.string()),
        "ARM": pa.array(np.where(origin_code != origin_city, origin_code, "ZZZZZ"), pa.string()),
        "DCFLT": pa.array(np.where(abroad, dest_code, "99999"), pa.string()),
        "DCLT": pa.array(dest_code, pa.string()),
        "CS1": pa.array(draw(OCCUPATIONS, OCCUPATION_P, m), pa.string()),
        "ILT": pa.array(ilt, pa.string()),
        "IPONDI": pc.binary_join_element_wise(whole, frac, "."),
        "METRODOM": pa.array(np.full(m, "M", dtype=object), pa.string()),
        "REGION": pa.array(np.full(m, region, dtype=object), pa.string()),
        "REGLT": pa.array(np.where(abroad, "99", region), pa.string()),
        "TRANS": pa.array(trans, pa.string()),
    }
    for name, choices in OTHER_VALUES.items():
        cols[name] = pa.array(draw(choices, [1] * len(choices), m), pa.string())
    return {c: cols[c] for c in COLUMNS}


def _write_zip(path: Path, chunks, rows_per_write: int = 500_000) -> int:
    """The zip as INSEE publishes it: the data member (``;``, no quotes) written from ``chunks`` (an iterable
    of column dicts, see :func:`_individuals`) and its documentation member; returns the data rows written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fixed = (1980, 1, 1, 0, 0, 0)                       # same seed, same bytes
    n = 0
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        data = zipfile.ZipInfo(MEMBER, fixed)
        data.compress_type = zipfile.ZIP_DEFLATED
        with zf.open(data, "w", force_zip64=True) as fh:
            fh.write((";".join(COLUMNS) + "\n").encode("utf-8"))
            for columns in chunks:
                size = len(next(iter(columns.values())))
                for start in range(0, size, rows_per_write):
                    parts = [a[start:start + rows_per_write] for a in columns.values()]
                    lines = pc.binary_join_element_wise(*parts, ";")
                    fh.write(("\n".join(lines.to_pylist()) + "\n").encode("utf-8"))
                n += size
        text = io.StringIO()
        writer = csv.writer(text, delimiter=";", lineterminator="\n")
        writer.writerow(("COD_VAR", "LIB_VAR", "COD_MOD", "LIB_MOD"))
        writer.writerows(VARMOD_ROWS)
        info = zipfile.ZipInfo(VARMOD, fixed)
        info.compress_type = zipfile.ZIP_DEFLATED
        zf.writestr(info, text.getvalue().encode("utf-8"))
    return n


def write_demo(out_dir: Path, drawn) -> dict[str, int]:
    """The source's demo writer: the detail file of the drawn territory's flows (see the module)."""
    facts = drawn.facts
    detailed = "departement" in facts.territory   # the demo département; else the national mirror, at any scale
    rng = np.random.default_rng([len(facts.codes), int(round(float(facts.flows.values.sum())))])
    region = facts.territory.get("region", "ZZ") if detailed else "ZZ"
    cols = _individuals(facts.flows, np.asarray(facts.codes, dtype=object), region,
                        None if detailed else NATIONAL_PER_FLOW, DEMO_MEAN_WEIGHT, rng)
    rel = _relative_path()
    return {rel: _write_zip(Path(out_dir) / rel, [cols])}


def write_stress_detail(out_dir: Path, seed: int = 2024, scale: float = 1.0, rows: int | None = None) -> Path:
    """The benchmark's national-size detail file (about 9,000,000 individuals at scale 1) of the national
    territory's flows, written under ``stress/`` (no configuration reads it)."""
    from ingest.demo import national
    from ingest.demo.records import Flows

    drawn = national.draw(seed, scale)
    flows = drawn.facts.flows
    target = rows or int(STRESS_ROWS * scale)
    rng = np.random.default_rng([seed, 22])
    codes = np.asarray(drawn.facts.codes, dtype=object)
    per_flow = target / len(flows.values)
    step = 100_000                                   # flows per chunk: about 900,000 individuals in memory

    def chunks():
        for start in range(0, len(flows.values), step):
            sl = slice(start, start + step)
            part = Flows(flows.table_codes, flows.table_names, flows.origin[sl], flows.dest[sl], flows.values[sl],
                         flows.origin_commune[sl], flows.dest_commune[sl])
            yield _individuals(part, codes, "ZZ", per_flow, DEMO_MEAN_WEIGHT, rng)

    path = Path(out_dir) / "stress" / ZIP_NAME
    _write_zip(path, chunks())
    return path


# ------------------------------------------------------------------------------------------------ truth
def _read_seed(name: str) -> list[dict]:
    from ingest.config import PROJECT_ROOT

    with (PROJECT_ROOT / "dbt_project" / "seeds" / f"{name}.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _dbt_vars() -> dict:
    import yaml

    from ingest.config import PROJECT_ROOT

    return yaml.safe_load((PROJECT_ROOT / "dbt_project" / "dbt_project.yml").read_text(encoding="utf-8"))["vars"]


def _haversine(lat1, lon1, lat2, lon2) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (math.sin(math.radians(lat2 - lat1) / 2) ** 2
         + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2)
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(a)))


def telework_truth(out_dir: Path, facts) -> dict:
    """Potential users per EPCI (for every access distance), and the kilometres and CO2 avoided per year per
    EPCI for every scenario of the vars (access distance x days a week), recomputed from the files written.

    Definitions (docs/indicators.md, the marts' descriptions): a resident is a potential user when his
    occupation's teleworkable share applies (weight x share), he drives (TRANS in ``telework_car_modes``) and
    works strictly beyond ``telework_min_commute_km`` (straight line between commune centres, rounded to the
    metre); he is served when the nearest tiers-lieu of the 2019 inventory is within the access distance of his
    commune's centre; each day a week in a tiers-lieu avoids 2 x (commute - distance to the tiers-lieu) km, for
    ``telework_weeks_per_year`` weeks, at the mode's emission factor."""
    out_dir = Path(out_dir)
    from ingest.demo.layout import GEO

    v = _dbt_vars()
    share = {r["occupation_code"]: float(r["teleworkable_share"]) for r in _read_seed("ref_telework_occupations")}
    factor = {r["mode_code"]: float(r["emission_kg_co2e_per_km"]) for r in _read_seed("ref_transport_modes")}
    car_modes = {str(m) for m in v["telework_car_modes"]}
    min_km, weeks = float(v["telework_min_commute_km"]), float(v["telework_weeks_per_year"])
    with (out_dir / GEO).open(encoding="utf-8", newline="") as fh:
        centre = {r["code_insee"]: (float(r["latitude_centre"]), float(r["longitude_centre"]))
                  for r in csv.DictReader(fh)}
    epci_of = dict(zip(facts.codes.tolist(), facts.epci.tolist()))
    nearest = {c: round(min(_haversine(*centre[c], p.lat, p.lon) for p in facts.places), 3) for c in centre}
    users: dict[tuple[str, float, str], float] = {}   # (commune, commute km, mode) -> potential users
    with zipfile.ZipFile(out_dir / _relative_path()) as zf, zf.open(MEMBER) as raw:
        for r in csv.DictReader(io.TextIOWrapper(raw, encoding="utf-8"), delimiter=";"):
            home, work = r["COMMUNE"], r["DCLT"]
            if r["TRANS"] not in car_modes or work not in centre or home == work:
                continue
            km = round(_haversine(*centre[home], *centre[work]), 3)
            if km <= min_km:
                continue
            w = float(r["IPONDI"]) * share.get(r["CS1"], 0.0)
            users[(home, km, r["TRANS"])] = users.get((home, km, r["TRANS"]), 0.0) + w
    epcis = sorted(facts.epci_names)
    out: dict = {"parameters": {"telework_min_commute_km": min_km, "telework_weeks_per_year": weeks,
                                "telework_car_modes": sorted(car_modes)},
                 "potential_users_by_epci": {e: 0.0 for e in epcis}, "scenarios": {}}
    for (home, km, mode), w in users.items():
        out["potential_users_by_epci"][epci_of[home]] += w
    for access in v["telework_access_distances_km"]:
        near = {e: 0.0 for e in epcis}
        for (home, km, mode), w in users.items():
            if nearest[home] <= float(access):
                near[epci_of[home]] += w
        out["scenarios"][str(float(access))] = {"potential_users_near_place_by_epci": near, "days": {}}
        for days in v["telework_days_per_week"]:
            km_by, co2_by = {e: 0.0 for e in epcis}, {e: 0.0 for e in epcis}
            for (home, km, mode), w in users.items():
                if nearest[home] <= float(access):
                    avoided = w * 2 * (km - nearest[home]) * float(days) * weeks
                    km_by[epci_of[home]] += avoided
                    co2_by[epci_of[home]] += avoided * factor[mode] / 1000
            out["scenarios"][str(float(access))]["days"][str(int(days))] = {
                "km_avoided_per_year_by_epci": km_by, "co2_avoided_t_per_year_by_epci": co2_by}
    return out
