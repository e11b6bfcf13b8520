"""The national-scale generator (ingest/demo/national.py), run at 1/100 scale: same files and formats as
the demo (the same row builders, ingest/demo/formats.py), real-like national code structure, determinism, a truth that the written files confirm, and
files the real ingestion loads without a single reject.

The files are re-read with the standard ``csv`` module; the truth is never trusted on its own word."""

from __future__ import annotations

import csv
import json
import math
import re
from collections import Counter, defaultdict
from pathlib import Path

import duckdb
import pytest

from ingest.demo import formats, generator, layout, national

SCALE = 0.01
COG, POP, GEO, INV, FS, FLOWS, GRANTS = (layout.COG, layout.POP, layout.GEO, layout.INV, layout.FS, layout.FLOWS,
                                         layout.GRANTS)
EXPECTED_DEPS = set(national.MAINLAND_DEPS) | {"2A", "2B", "971", "972", "973", "974", "976"}


def read(path: Path, sep: str, encoding: str = "utf-8") -> list[dict]:
    with open(path, encoding=encoding, newline="") as f:
        return list(csv.DictReader(f, delimiter=sep))


def rows_of(mirror: Path, rel: str) -> list[dict]:
    fmt = formats.CSV_FILES[rel]
    return read(mirror / rel, fmt.separator, fmt.encoding)


def haversine(lat1, lon1, lat2, lon2) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (math.sin((p2 - p1) / 2) ** 2
         + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2)
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(a)))


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("national")
    truth = generator.generate(out, seed=2024, territory="national", scale=SCALE)
    return out, json.loads(json.dumps(truth))


@pytest.fixture(scope="module")
def referential(small):
    """commune code -> (epci, canton, lat, lon) from the written files; arrondissement/COMD -> parent."""
    mirror, _ = small
    geo = {r["code_insee"]: r for r in rows_of(mirror, GEO)}
    cog = rows_of(mirror, COG)
    communes = {r["COM"]: dict(epci=geo[r["COM"]]["epci_code"], canton=r["CAN"],
                               lat=float(geo[r["COM"]]["latitude_centre"]),
                               lon=float(geo[r["COM"]]["longitude_centre"]))
                for r in cog if r["TYPECOM"] == "COM"}
    parent = {r["COM"]: r["COMPARENT"] for r in cog if r["TYPECOM"] in ("ARM", "COMD")}
    return communes, parent


# ---------------------------------------------------------------------------------------------- files

def test_every_demo_file_with_its_format(small):
    mirror, truth = small
    for rel, fmt in formats.CSV_FILES.items():
        sep, eol, encoding = fmt.separator, fmt.line_ending, fmt.encoding
        data = (mirror / rel).read_bytes()
        assert data.startswith(b"\xef\xbb\xbf") == (encoding == "utf-8-sig"), rel
        text = data.decode(encoding)
        first = text.split(eol, 1)[0]
        header = next(csv.reader([first], delimiter=sep))
        assert header == list(fmt.columns), rel
        if eol == "\n":
            assert "\r" not in text, rel
        else:      # no field of these files holds a line break
            assert text.count("\r\n") == text.count("\n"), rel
        assert len(rows_of(mirror, rel)) == truth["files"][rel], rel


def test_same_seed_same_bytes_other_seed_other_country(small, tmp_path):
    mirror, _ = small
    generator.generate(tmp_path / "again", seed=2024, territory="national", scale=SCALE)
    generator.generate(tmp_path / "other", seed=7, territory="national", scale=SCALE)
    for rel in [*formats.FILE_FORMATS, layout.OCCUPANCY, layout.TRUTH]:
        assert (tmp_path / "again" / rel).read_bytes() == (mirror / rel).read_bytes(), rel
    assert (tmp_path / "other" / COG).read_bytes() != (mirror / COG).read_bytes()


def test_counts_follow_the_scale(small):
    _, truth = small
    assert 0.9 * 35_000 * SCALE <= truth["n_communes"] <= 35_000 * SCALE + 3 * 101
    assert truth["flows"]["n_rows"] == pytest.approx(1_000_000 * SCALE, rel=0.05)
    assert truth["n_places"] == 35 and truth["n_france_services"] == 29
    assert truth["grants"]["n_rows"] == 200
    assert sum(s["respondents"] for s in truth["surveys"].values()) == 100


def _field_kinds(text: str, sep: str) -> dict[int, set[str]]:
    """Column position -> how its non-empty values are written ("quoted" or "bare"), over every record."""
    kinds: dict[int, set[str]] = defaultdict(set)
    col, i, n = 0, 0, len(text)
    while i < n:
        if text[i] == '"':
            i += 1
            while not (text[i] == '"' and text[i + 1:i + 2] != '"'):
                i += 2 if text[i] == '"' else 1
            kinds[col].add("quoted")
            i += 1
        elif text[i] not in (sep, "\r", "\n"):
            kinds[col].add("bare")
            while i < n and text[i] not in (sep, "\r", "\n"):
                i += 1
        if i < n and text[i] == sep:
            col += 1
        elif i < n:
            col = 0
            i += 1 if text[i] == "\n" else 2
            continue
        i += 1
    return kinds


def test_same_formats_as_the_demo(small, demo_mirror):
    """Both scales write with the same builders: every CSV column is quoted (or not) the same way, and the JSON
    records carry the same keys (a conseillers numériques structure with coordinates: the geocoder's result)."""
    mirror, _ = small
    for rel, fmt in formats.CSV_FILES.items():
        ours, demo = ((root / rel).read_bytes().decode(fmt.encoding) for root in (mirror, demo_mirror[0]))
        ours, demo = _field_kinds(ours, fmt.separator), _field_kinds(demo, fmt.separator)
        assert set(ours) == set(demo) == set(range(len(fmt.columns))), rel
        assert {c: ours[c] for c in ours if ours[c] and demo[c]} == {c: demo[c] for c in ours if ours[c] and demo[c]}, rel
    cnfs = [json.loads((root / layout.CNFS).read_text(encoding="utf-8")) for root in (mirror, demo_mirror[0])]
    assert {tuple(r) for r in cnfs[0]} == {tuple(r) for r in cnfs[1] if "latitude" in r}
    for rel in (layout.ETALAB_EPCI, layout.ETALAB_DEPARTEMENTS, layout.ETALAB_REGIONS):
        keys = [{tuple(r) for r in json.loads((root / rel).read_text(encoding="utf-8"))} for root in (mirror, demo_mirror[0])]
        assert keys[0] <= keys[1] | {tuple(k for k in next(iter(keys[1])) if k != "chefLieu")}, rel


# ---------------------------------------------------------------------------------------------- codes

def test_national_code_structure(small):
    mirror, truth = small
    cog = rows_of(mirror, COG)
    com = [r for r in cog if r["TYPECOM"] == "COM"]
    assert {r["DEP"] for r in com} == EXPECTED_DEPS
    assert set(truth["territory"]["departements"]) == EXPECTED_DEPS
    for r in com:
        dep, code = r["DEP"], r["COM"]
        assert code.startswith(dep) and len(code) == 5, r
        assert re.fullmatch(r"(?:\d{5}|2[AB]\d{3})", code), r
        if r["CAN"]:
            assert r["CAN"].startswith(dep) and len(r["CAN"]) == len(dep) + 2, r
        if dep in ("972", "973"):
            assert r["CAN"] == "", r                    # no canton in Martinique and Guyane (as the COG)
    assert any(r["CAN"].endswith("99") for r in com)    # pseudo-cantons
    assert sum(1 for r in com if not r["CAN"]) == truth["communes_without_canton"]
    arm = [r for r in cog if r["TYPECOM"] == "ARM"]
    assert len(arm) == truth["n_arrondissements_municipaux"] == 45
    codes = {r["COM"] for r in com}
    assert all(r["COMPARENT"] in codes for r in cog if r["TYPECOM"] in ("ARM", "COMD"))
    assert len({(r["TYPECOM"], r["COM"]) for r in cog}) == len(cog)

    pop = rows_of(mirror, POP)
    assert len(pop) == len(com)
    joined = set()
    for r in pop:
        if r["CODDEP"].startswith("97"):
            assert len(r["CODDEP"]) == 3 and len(r["CODCOM"]) == 3 and r["CODCOM"][0] == r["CODDEP"][2], r
            joined.add(r["CODDEP"][:2] + r["CODCOM"])
        else:
            assert len(r["CODDEP"]) == 2 and len(r["CODCOM"]) == 3, r
            joined.add(r["CODDEP"] + r["CODCOM"])
    assert joined == codes
    assert {r["CODDEP"] for r in pop} == EXPECTED_DEPS
    assert sum(int(r["PMUN"]) for r in pop) == truth["population_total"]

    geo = rows_of(mirror, GEO)
    assert {r["code_insee"] for r in geo} == codes
    epcis = {r["epci_code"] for r in geo}
    assert epcis == set(truth["epci"]) and all(re.fullmatch(r"\d{9}", e) for e in epcis)
    assert {r["canton_code"] for r in geo if r["canton_code"]} == set(truth["cantons"])


def test_flows_use_arrondissements_and_foreign_codes_with_unique_keys(small, referential):
    mirror, truth = small
    communes, parent = referential
    flows = rows_of(mirror, FLOWS)
    keys = [(r["CODGEO"], r["DCLT"]) for r in flows]
    assert len(set(keys)) == len(keys) == truth["flows"]["n_rows"]
    assert keys == sorted(keys)
    foreign = [r for r in flows if re.fullmatch(r"[A-Z]{2}\d{3}", r["DCLT"])]
    assert len(foreign) == truth["flows"]["n_foreign_rows"]
    assert any(r["CODGEO"] in parent for r in flows) and any(r["DCLT"] in parent for r in flows)
    for r in flows:
        assert r["CODGEO"] in communes or r["CODGEO"] in parent, r
        assert r["DCLT"] in communes or r["DCLT"] in parent or r in foreign, r
        assert float(r["NBFLUX_C20_ACTOCC15P"]) > 0


# ---------------------------------------------------------------------------------------------- truth

def test_population_and_places_truth_from_the_files(small, referential):
    mirror, truth = small
    communes, parent = referential
    pop = {(r["CODDEP"][:2] + r["CODCOM"]): int(r["PMUN"]) for r in rows_of(mirror, POP)}
    by_epci = Counter()
    for code, c in communes.items():
        by_epci[c["epci"]] += pop[code]
    assert dict(by_epci) == truth["population_by_epci"]

    places = Counter()
    n_sentinel = 0
    for r in rows_of(mirror, INV):
        code = r["INSEECOM"]
        if code == "0":       # the inventory's sentinel: placed by the nearest commune centre
            n_sentinel += 1
            lat, lon = float(r["LAT"]), float(r["LONG"])
            code = min(communes, key=lambda k: (haversine(lat, lon, communes[k]["lat"], communes[k]["lon"]), k))
        code = parent.get(code, code)
        places[communes[code]["epci"]] += 1
    assert n_sentinel == truth["n_sentinel_places"] > 0
    assert {e: v["total"] for e, v in truth["places_by_epci"].items() if v["total"]} == dict(places)

    fs = Counter()
    for r in rows_of(mirror, FS):
        canton = communes[parent.get(r["insee_com"], r["insee_com"])]["canton"]
        if canton:
            fs[canton] += 1
    assert {k: v["total"] for k, v in truth["france_services_by_canton"].items() if v["total"]} == dict(fs)
    assert sorted(set(truth["cantons"]) - set(fs)) == truth["cantons_without_france_services"]


def test_commuting_truth_from_the_file(small, referential):
    mirror, truth = small
    communes, parent = referential
    active, out_commune, out_epci = defaultdict(float), defaultdict(float), defaultdict(float)
    for r in rows_of(mirror, FLOWS):
        o = parent.get(r["CODGEO"], r["CODGEO"])
        d = parent.get(r["DCLT"], r["DCLT"])
        v = float(r["NBFLUX_C20_ACTOCC15P"])
        e = communes[o]["epci"]
        active[e] += v
        if d != o:
            out_commune[e] += v
        if d not in communes or communes[d]["epci"] != e:
            out_epci[e] += v
    for name, got in (("active_residents_by_epci", active), ("commuters_out_of_commune_by_epci", out_commune),
                      ("commuters_out_of_epci", out_epci)):
        want = truth["flows"][name]
        assert set(got) <= set(want)
        for e, v in want.items():
            assert got.get(e, 0.0) == pytest.approx(v, rel=1e-9, abs=1e-6), (name, e)
    assert sum(out_epci.values()) > 0


def test_grants_and_surveys_truth_from_the_files(small):
    mirror, truth = small
    grants = rows_of(mirror, GRANTS)
    by_funder = Counter()
    for r in grants:
        euros, cents = r["montant"].split(".")
        by_funder[r["nomAttribuant"]] += int(euros) * 100 + int(cents)
    assert {k: round(v / 100, 2) for k, v in by_funder.items()} == truth["grants"]["amount_by_funder"]
    for year, rel in layout.SURVEYS.items():
        rows = rows_of(mirror, rel)
        assert len(rows) == truth["surveys"][year]["respondents"]
        assert {r["annee"] for r in rows} == {year}
        assert len({r["identifiant_lieu"] for r in rows}) == len(rows)
        assert sum(int(r["postes_travail"]) for r in rows) == truth["surveys"][year]["desks_total"]


# ---------------------------------------------------------------------------------------------- ingestion

def test_the_real_ingestion_loads_every_row_without_reject(small, tmp_path):
    from ingest.config import load_settings
    from ingest.fetch import fetch
    from ingest.sources import load
    from tests.conftest import write_config

    mirror, truth = small
    settings = load_settings(write_config(tmp_path, mirror))
    con = duckdb.connect(str(tmp_path / "ingest.duckdb"))
    try:
        for name, source in settings.sources.items():
            snaps = [fetch(name, loc, settings.snapshot_dir) for loc in source.locations]
            result = load(con, name, snaps, settings)   # the loader of the source (contract or custom)
            expected = sum(truth["files"][str(Path(s.location).relative_to(mirror))] for s in snaps)
            assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (expected, expected, 0), name
        codes = con.execute("select count(*) from raw.cog_communes where COM like '2A%' or COM like '97%'").fetchone()
        assert codes[0] > 0
    finally:
        con.close()


def test_stress_flows_file(tmp_path):
    path = generator.write_stress_flows(tmp_path, seed=2024, scale=SCALE)
    assert path == tmp_path / layout.STRESS_FLOWS
    rows = read(path, ";")
    assert list(rows[0]) == list(formats.MOBPRO_FLOWS.columns)
    assert len(rows) == pytest.approx(8_000_000 * SCALE, rel=0.05)
    keys = {(r["CODGEO"], r["DCLT"]) for r in rows}
    assert len(keys) == len(rows)
    assert generator.write_stress_flows(tmp_path / "again", seed=2024, scale=SCALE).read_bytes() == path.read_bytes()


def test_command_line(tmp_path, capsys):
    assert national.main(["--out", str(tmp_path), "--scale", "0.005", "--seed", "3"]) == 0
    out = capsys.readouterr().out
    assert "communes" in out and str(tmp_path / FLOWS) in out
    assert (tmp_path / "truth.json").exists() and not (tmp_path / layout.STRESS_FLOWS).exists()


# ---------------------------------------------------------------------------------------------- pandas baseline

def test_pandas_baseline_agrees_with_the_truth(small):
    """bench/pandas_baseline.py (the benchmark's reference) computes the generator's figures."""
    import importlib.util

    mirror, truth = small
    spec = importlib.util.spec_from_file_location("pandas_baseline",
                                                  Path(__file__).resolve().parents[1] / "bench" / "pandas_baseline.py")
    baseline = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(baseline)
    timings, results = baseline.run(mirror)
    assert timings["total"] > 0
    epci = results["coverage_epci"].set_index("epci_code")
    assert epci["n_tiers_lieux"].to_dict() == {e: v["total"] for e, v in truth["places_by_epci"].items()}
    assert epci["population"].to_dict() == truth["population_by_epci"]
    cantons = results["coverage_canton"].set_index("canton_code")["n_france_services"].to_dict()
    assert cantons == {k: v["total"] for k, v in truth["france_services_by_canton"].items()}
    assert sorted(results["cantons_without_fs"]["canton_code"]) == truth["cantons_without_france_services"]
    out = results["commuting_epci"].set_index("epci_code")["commuters_out_of_epci"].to_dict()
    assert out == pytest.approx(truth["flows"]["commuters_out_of_epci"], rel=1e-9)
    access = results["access_commune"]
    assert len(access) == truth["n_communes"]
    # Nearest places on the commune's own land mass: none (NaN) only where the land mass has no place.
    known = access["nearest_tiers_lieu_km"].notna()
    assert (access.loc[known, "nearest_tiers_lieu_km"] >= 0).all() and known.sum() > 0.9 * len(access)
    assert access.loc[~known, "commune_code"].str.match(r"^(97|2[AB])").all()
