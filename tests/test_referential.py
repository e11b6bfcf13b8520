"""The commune and place referential on the demo territory and on a tiny hand-made one.

* The demo's referential publications (ingest/demo/referential.py) have the formats of the real ones
  (compared with ../shared/data when present) and the truth they claim is confirmed by the files.
* The demo pipeline (the real Dagster job, shared fixture ``demo_warehouse``) places every record where
  the truth says, by the method it says, folds the cross-source twins, and accounts for every row.
* On the tiny territory of tests/test_indicators.py, the team's corrections seed overrides the matching
  both ways (dbt build on a copy of the project with a filled seed).
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from ingest.config import PROJECT_ROOT
from ingest.demo import layout as R
from tests.conftest import SHARED_DATA


def _rows(con, sql, params=()):
    return con.execute(sql, list(params)).fetchall()


# ---------------------------------------------------------------------------------------------- demo files

def test_demo_referential_files_have_the_real_formats(demo_mirror):
    root, truth = demo_mirror
    for rel in (R.DENSITE, R.RURALITE):
        raw = (root / rel).read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf") and b"\r" not in raw and raw.endswith(b"\n")
    rur = list(csv.DictReader(io.StringIO((root / R.RURALITE).read_text(encoding="utf-8-sig"))))
    assert list(rur[0]) == ["insee_com", "lib_com", "niveau_ruralite"]
    assert all(r["niveau_ruralite"].startswith(" ") for r in rur)   # the publication's leading space
    communes = (root / R.ETALAB_COMMUNES).read_text(encoding="utf-8")
    assert communes.startswith("[\n{") and communes.endswith("}\n]\n")
    assert all(line.rstrip(",").startswith("{") for line in communes.splitlines()[1:-1])   # one object per line
    cnfs = json.loads((root / R.CNFS).read_text(encoding="utf-8"))
    assert all("\n" in r["adresse"] and isinstance(r["code_postal"], int) for r in cnfs if r["code_postal"])
    fabt = json.loads((root / R.FABT).read_text(encoding="utf-8"))
    assert fabt["type"] == "FeatureCollection" and fabt["name"] == "fabt_geom"
    assert any(";" in f["properties"]["id_territoire"] for f in fabt["features"])
    if not SHARED_DATA.is_dir():
        pytest.skip(f"real public files not available: {SHARED_DATA} is absent (see shared/data/SOURCES.md)")
    real_cnfs = json.loads((SHARED_DATA / "anct_conseillers_numeriques/cnfs.json").read_text(encoding="utf-8"))
    assert list(cnfs[0]) == list(real_cnfs[0])                                 # same keys, same order
    real_communes = json.loads((SHARED_DATA / "etalab_decoupage_administratif/communes.json").read_text("utf-8"))
    real_keys = {tuple(c) for c in real_communes}
    assert {tuple(c) for c in json.loads(communes)} <= real_keys
    real_fabt = json.loads((SHARED_DATA / "anct_programmes/fabt_geom.geojson").read_text(encoding="utf-8"))
    assert list(fabt["features"][0]["properties"]) == list(real_fabt["features"][0]["properties"])
    for rel, real in ((R.DENSITE, "anct_grilles/densite.csv"), (R.RURALITE, "anct_grilles/ruralite.csv")):
        assert (root / rel).read_bytes().split(b"\n")[0] == (SHARED_DATA / real).read_bytes().split(b"\n")[0]
    real_epci = json.loads((SHARED_DATA / "etalab_decoupage_administratif/epci.json").read_text(encoding="utf-8"))
    ours = json.loads((root / R.ETALAB_EPCI).read_text(encoding="utf-8"))
    assert list(ours[0]) == list(real_epci[0]) and list(ours[0]["membres"][0]) == list(real_epci[0]["membres"][0])


def test_demo_truth_is_confirmed_by_the_files(demo_mirror):
    root, truth = demo_mirror
    t = truth["referential"]
    cog = list(csv.DictReader(io.StringIO((root / R.COG).read_text(encoding="utf-8"))))
    cog_codes = {r["COM"] for r in cog}
    communes = json.loads((root / R.ETALAB_COMMUNES).read_text(encoding="utf-8"))
    old, new = t["merged_code"]["old_code"], t["merged_code"]["commune"]
    assert old not in cog_codes                                           # only Etalab knows where it went
    assert [c["code"] for c in communes if old in c.get("anciensCodes", [])] == [new]
    for code, parent in t["delegated"].items():
        assert {"COMD": parent} == {r["TYPECOM"]: r["COMPARENT"] for r in cog if r["COM"] == code}
        assert any(c["code"] == code and c["type"] == "commune-deleguee" and c["chefLieu"] == parent for c in communes)
    fabt = json.loads((root / R.FABT).read_text(encoding="utf-8"))["features"]
    assert any(f["properties"]["id_geo"] == old for f in fabt)           # a laureate under the merged code
    cnfs = {f"CNFS-{r['id']}": r for r in json.loads((root / R.CNFS).read_text(encoding="utf-8"))}
    methods = {k: v[1] for k, v in t["expected_placements"].items()}
    postcode_only = [k for k, m in methods.items() if m == "code_postal"]
    coords_only = [k for k, m in methods.items() if m == "coordonnees_commune_la_plus_proche"]
    assert postcode_only and coords_only and "code_insee_fusionne" in methods.values()
    for k in postcode_only:
        assert cnfs[k]["insee_com"] == "" and "latitude" not in cnfs[k]
        owners = [c["code"] for c in communes if cnfs[k]["code_postal_bis"] in c.get("codesPostaux", [])
                  and c["type"] == "commune-actuelle"]
        assert owners == [t["expected_placements"][k][0]]                  # the postcode of exactly one commune
    for k in coords_only:
        assert cnfs[k]["insee_com"] == "" and cnfs[k]["code_postal_bis"] == "" and cnfs[k]["latitude"]
    assert len(t["duplicate_pairs"]) == 2
    assert t["n_programme_labels"] == t["n_laureate_projects"] + t["n_cnfs"]


# ---------------------------------------------------------------------------------------------- demo pipeline

def test_demo_places_every_record_where_the_truth_says(demo_warehouse, demo_mirror):
    t = demo_mirror[1]["referential"]
    got = {r[0]: [r[1], r[2]] for r in _rows(demo_warehouse, "select source_record_id, commune_code, placement_method "
                                                              "from marts.dim_place_source")}
    for record, expected in t["expected_placements"].items():
        assert got[record] == expected, record
    # the sentinel places of the inventory (no code, coordinates) are placed by coordinates
    for s in demo_mirror[1]["sentinel_places"]:
        assert got[f"TL2019-{s['id']}"] == [s["insee_com"], "coordonnees_commune_la_plus_proche"]
    shares = {r[0]: r[1:] for r in _rows(demo_warehouse, "select source_name, rows, placed, share_placed "
                                                         "from marts.quality_placement_by_source")}
    # the regional list has one row that cannot be placed on purpose (tests/test_listes_lieux.py)
    lists = demo_mirror[1]["listes_lieux"]
    n_unplaced = sum(1 for v in lists["placements"].values() if v is None)
    assert shares.pop("listes_lieux")[:2] == (lists["n_loaded"], lists["n_loaded"] - n_unplaced)
    assert shares and all(r[2] == 1.0 and r[0] == r[1] for r in shares.values()), shares
    assert set(shares) >= {"communes_etalab", "epci_etalab", "grille_densite", "typologie_ruralite",
                           "programme_laureates", "conseillers_numeriques", "populations"}


def test_demo_cross_source_twins_are_one_place(demo_warehouse, demo_mirror):
    t = demo_mirror[1]["referential"]
    report = {(r[0], r[1]): r[2:] for r in _rows(demo_warehouse, "select source_id_a, source_id_b, decision, outcome "
                                                                 "from marts.quality_place_duplicates")}
    # the records of the regional list that are inventory places (ingest/demo/listes.py) are folded in too
    list_matches = {inventory: record for record, inventory in demo_mirror[1]["listes_lieux"]["matches"].items()}
    for a, b in t["duplicate_pairs"]:
        assert report[(a, b)] == ("match", "fusionne"), (a, b)
        ids, names, real_id = demo_warehouse.execute(
            "select source_ids, source_names, real_place_id from marts.dim_place where place_id = ?", [a]).fetchone()
        assert ids == [a, b, *([list_matches[a]] if a in list_matches else [])] and real_id == f"LIEU-{a}"
        assert len(names) == len(ids)
        assert _rows(demo_warehouse, "select count(*) from marts.dim_place where place_id = ?", [b]) == [(0,)]
    for inventory, record in list_matches.items():
        assert report[(inventory, record)] == ("match", "fusionne"), (inventory, record)
    # only the twins and the list's records: no other pair is merged (a twin and the list's record of the same
    # inventory place are in one place too), and every inventory place and France Services keeps its row
    n_twins = len(t["duplicate_pairs"]) + len(list_matches)
    expected = {tuple(p) for p in t["duplicate_pairs"]} | set(list_matches.items())
    same_place = {(b, list_matches[a]) for a, b in t["duplicate_pairs"] if a in list_matches}
    fused = {pair for pair, v in report.items() if v[1] == "fusionne"}
    assert expected <= fused <= expected | same_place, fused - expected
    truth = demo_mirror[1]
    n_tl, n_fs = demo_warehouse.execute(
        "select count(*) filter (where place_family = 'tiers_lieu'), "
        "count(*) filter (where place_family = 'france_services') from marts.dim_place").fetchone()
    assert (n_tl, n_fs) == (truth["n_places"], truth["n_france_services"])
    # every record is in one real place; the twins are one real place each; laureates and host structures
    # that match no inventory place nor France Services are real places of their own, not rows of dim_place
    n_records, n_placed, n_real, n_in_real, n_in_places = demo_warehouse.execute(
        "select (select count(*) from marts.dim_place_source), "
        "(select count(*) from marts.dim_place_source where placement_method is not null), "
        "(select count(*) from marts.dim_real_place), (select sum(n_source_records) from marts.dim_real_place), "
        "(select sum(n_source_records) from marts.dim_place)").fetchone()
    n_unplaced = sum(1 for v in demo_mirror[1]["listes_lieux"]["placements"].values() if v is None)
    assert n_records == n_placed + n_unplaced       # the unplaced row of the list belongs to no real place
    assert n_placed == n_in_real == n_real + n_twins
    assert n_in_places == truth["n_places"] + truth["n_france_services"] + n_twins
    flags = demo_warehouse.execute(
        "select is_tiers_lieu_inventory, is_programme_laureate, hosts_conseillers_numeriques, source_ids "
        "from marts.dim_real_place where real_place_id = ?", [f"LIEU-{t['duplicate_pairs'][0][0]}"]).fetchone()
    a0 = t["duplicate_pairs"][0][0]
    assert flags == (True, True, False, [*t["duplicate_pairs"][0], *([list_matches[a0]] if a0 in list_matches else [])])


def test_demo_commune_referential(demo_warehouse, demo_mirror):
    truth = demo_mirror[1]
    t = truth["referential"]
    communes = dict(_rows(demo_warehouse, "select commune_code, rurality_type from marts.dim_commune"))
    assert communes == t["rurality"]
    assert _rows(demo_warehouse, "select count(*), sum(population), count(density_level), count(epci_code) "
                                 "from marts.dim_commune") == [(300, truth["population_total"], 300, 300)]
    assert _rows(demo_warehouse, "select departement_name, population from marts.dim_departement") == \
        [(truth["territory"]["departement_name"], truth["population_total"])]
    assert _rows(demo_warehouse, "select region_name from marts.dim_region") == [(truth["territory"]["region_name"],)]
    history = dict(_rows(demo_warehouse, "select old_code, commune_code from marts.dim_commune_code_history "
                                         "where method <> 'actuelle'"))
    assert history == {**t["delegated"], t["merged_code"]["old_code"]: t["merged_code"]["commune"]}
    epci = dict(_rows(demo_warehouse, "select epci_code, epci_type from marts.dim_epci"))
    assert set(epci) == set(truth["epci"]) and set(epci.values()) <= {"METRO", "CA", "CC"}
    # the metropole is alone in the pseudo-canton 9699
    assert _rows(demo_warehouse, "select canton_status, count(*) from marts.dim_commune group by 1 order by 1") == \
        [("canton", 299), ("pseudo_canton", 1)]


# ---------------------------------------------------------------------------------------------- corrections seed

def _dbt_copy(tmp: Path) -> Path:
    project = tmp / "dbt_project"
    shutil.copytree(PROJECT_ROOT / "dbt_project", project, ignore=shutil.ignore_patterns("target", "logs"))
    return project


def _dbt(project: Path, db: Path, target: Path) -> subprocess.CompletedProcess:
    """``dbt build`` of the two marts the corrections decide and everything upstream, with their tests."""
    from tests.test_indicators import VARS
    exe = Path(sys.executable).parent / "dbt"
    env = {**os.environ, "OBSERVATOIRE_BUILD_DB": str(db)}
    return subprocess.run([str(exe), "build", "--project-dir", str(project), "--profiles-dir", str(project),
                           "--target-path", str(target), "--log-path", str(target / "logs"),
                           "--select", "+dim_place_source", "+quality_place_duplicates", "--indirect-selection", "cautious",
                           "--vars", json.dumps(VARS)], env=env, capture_output=True, text=True, timeout=600)


@pytest.mark.slow   # two dbt builds of the tiny territory
def test_corrections_seed_overrides_the_matching(tmp_path):
    """Tiny territory: the conseiller numérique structure « LIEU UN » at Alpha matches the inventory's « Lieu
    Un » by score; the laureate « Manu Sept » (published under the commune déléguée 96005 of Alpha) matches
    nothing. The team's corrections say the opposite for both: they win."""
    from ingest.fetch import fetch
    from ingest.load import load_source
    from tests.test_indicators import write_tiny_mirror

    db = tmp_path / "tiny.duckdb"
    con = duckdb.connect(str(db))
    for source, path in write_tiny_mirror(tmp_path / "mirror").items():
        load_source(con, source, [fetch(source, str(path), tmp_path / "snapshots")])
    con.execute("""create table raw.programme_laureates as select * from (values
        ('96005', 'Alpha-le-Vieux', 'manuprox-2-7', 'Manu Sept', 'manuprox_geom.geojson', 1))
        t(id_geo, lib_geo, id_territoire, lib_territoire, _file, _row)""")
    con.execute("""create table raw.conseillers_numeriques as select * from (values
        ('1', 'LIEU UN', '12345678900011', '96001', '96000', '45.0001', '3.0001', 'cnfs.json', 1),
        ('2', 'MAIRIE', '12345678900012', '', '', '45.5', '3.0', 'cnfs.json', 2))
        t(id, raison_sociale, siret, insee_com, code_postal_bis, latitude, longitude, _file, _row)""")
    con.close()

    base = tmp_path / "base.duckdb"
    shutil.copy(db, base)
    project = _dbt_copy(tmp_path / "a")
    proc = _dbt(project, base, tmp_path / "target_a")
    assert proc.returncode == 0, proc.stdout[-4000:]
    con = duckdb.connect(str(base), read_only=True)
    before = dict(_rows(con, "select source_record_id, real_place_id from marts.dim_place_source"))
    decisions = {(r[0], r[1]): r[2] for r in _rows(con, "select source_id_a, source_id_b, decision "
                                                        "from marts.quality_place_duplicates")}
    placed = dict(_rows(con, "select source_record_id, placement_method from marts.dim_place_source"))
    con.close()
    assert before["CNFS-1"] == "LIEU-TL2019-1" and decisions[("TL2019-1", "CNFS-1")] == "match"
    assert before["LAUREAT-manuprox-2-7"] == "LIEU-LAUREAT-manuprox-2-7"
    assert placed["LAUREAT-manuprox-2-7"] == "code_insee_commune_parente"
    assert placed["CNFS-2"] == "coordonnees_commune_la_plus_proche"     # Gamma's centre, no code

    project = _dbt_copy(tmp_path / "b")
    (project / "seeds" / "place_match_corrections.csv").write_text(
        "source_id_a,source_id_b,decision,comment\n"
        "CNFS-1,TL2019-1,no_match,\"Homonymes : la structure est la mairie annexe, pas le tiers-lieu\"\n"
        "TL2019-1,LAUREAT-manuprox-2-7,match,Vérifié auprès du lieu\n", encoding="utf-8")
    proc = _dbt(project, db, tmp_path / "target_b")
    assert proc.returncode == 0, proc.stdout[-4000:]
    con = duckdb.connect(str(db), read_only=True)
    after = dict(_rows(con, "select source_record_id, real_place_id from marts.dim_place_source"))
    report = {(r[0], r[1]): r[2:] for r in _rows(con, "select source_id_a, source_id_b, decision, decision_source, "
                                                      "outcome from marts.quality_place_duplicates")}
    con.close()
    assert after["CNFS-1"] == "LIEU-CNFS-1" and after["LAUREAT-manuprox-2-7"] == "LIEU-TL2019-1"
    assert report[("TL2019-1", "CNFS-1")] == ("no_match", "correction", "non_fusionne")
    assert report[("TL2019-1", "LAUREAT-manuprox-2-7")] == ("match", "correction", "fusionne")
