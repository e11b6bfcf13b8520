"""Indicator marts on a tiny hand-made territory: every expected figure below is computed by hand
(exact to the unit), including a commune at exactly the 5 km threshold and an EPCI with no place.

The raw files are written in the real formats, loaded by the production loader (ingest.load) into a
real DuckDB file, then the real dbt project is built on it (`dbt build`, tests included) and, last,
its documentation generated (`dbt docs generate`): every mart and every column must be described.

The territory (all communes on the meridian 3.0 E except Delta, so distances are easy to check;
1 degree of latitude = 6371 * pi / 180 = 111.19492664455873 km):

    commune        lat          lon  pop   canton EPCI       dép. région
    96001 Alpha    45.0         3.0  1000  9601   200000001  96   96
    96002 Beta     45.04496608  3.0  2000  9601   200000001  96   96   exactly 5.000 km north of Alpha
    96003 Gamma    45.5         3.0  3000  9602   200000002  96   96   55.597 km from Alpha; EPCI with no place
    96004 Delta    45.0         3.2  4000  9603   200000001  96   96   15.7 km east of Alpha
    98001 Epsilon  44.0         3.0   500  9801   200000003  98   98   111.195 km south of Alpha
    96005 (COMD, commune déléguée of Alpha)

Places: TL2019-1 coworking at Alpha; TL2019-2 fablab published with the COMD code 96005 (placed in
Alpha, its COG parent); TL2019-3 type not given, commune "0" (the inventory sentinel), coordinates of
Delta (placed by coordinates), declared "tiers-lieu social" in the 2025 survey. France Services:
FS-1 Principal at Alpha, FS-2 Antenne at Delta, FS-3 Principal at Epsilon.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from ingest.config import PROJECT_ROOT
from ingest.fetch import fetch
from ingest.load import load_source

DBT_DIR = PROJECT_ROOT / "dbt_project"
KM_PER_DEG = 111.19492664455873
BETA_LAT = "45.0449660803"          # 5 km / KM_PER_DEG north of 45.0, to 1e-10 degree (0.01 mm)
VARS = {"territory_name": "Territoire de test", "territory_departements": ["96", "98"], "territory_fictional": True,
        "access_distances_km": [5, 10, 20], "employment_pole_min_jobs": 100}

COMMUNES = [  # code, name, lat, lon, population, canton, epci, dep, reg
    ("96001", "Alpha", "45.0", "3.0", 1000, "9601", "200000001", "96", "96"),
    ("96002", "Beta", BETA_LAT, "3.0", 2000, "9601", "200000001", "96", "96"),
    ("96003", "Gamma", "45.5", "3.0", 3000, "9602", "200000002", "96", "96"),
    ("96004", "Delta", "45.0", "3.2", 4000, "9603", "200000001", "96", "96"),
    ("98001", "Epsilon", "44.0", "3.0", 500, "9801", "200000003", "98", "98"),
]


def _write(path: Path, header: list[str], rows: list[list], sep: str = ",") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter=sep)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_tiny_mirror(m: Path) -> dict[str, Path]:
    files = {}
    files["cog_communes"] = _write(m / "cog.csv", ["TYPECOM", "COM", "REG", "DEP", "LIBELLE", "CAN", "COMPARENT"], [
        *[["COM", c, reg, dep, name, can, ""] for c, name, _, _, _, can, _, dep, reg in COMMUNES],
        ["COMD", "96005", "", "", "Alpha-le-Vieux", "", "96001"]])
    files["populations"] = _write(m / "pop.csv", ["CODDEP", "CODCOM", "COM", "PMUN", "PCAP", "PTOT"],
                                  [[dep, c[2:], name, pop, 0, pop] for c, name, _, _, pop, _, _, dep, _ in COMMUNES],
                                  sep=";")
    files["communes_geo"] = _write(
        m / "communes-france.csv",
        ["code_insee", "nom_standard", "dep_nom", "reg_nom", "canton_code", "canton_nom", "epci_code", "epci_nom",
         "latitude_centre", "longitude_centre"],
        [[c, name, f"Dép. {dep}", f"Rég. {reg}", can, f"Canton {can}", epci, f"EPCI {epci[-1]}", lat, lon]
         for c, name, lat, lon, _, can, epci, dep, reg in COMMUNES])
    inv = ["ID", "NOM_TL", "CP", "INSEECOM", "TYPO", "LAT", "LONG"]
    files["tierslieux_2019"] = _write(m / "inventaire.csv", inv, [
        ["1", "Lieu Un", "96000", "96001", "Tiers lieux à dominante coworking", "45.0", "3.0"],
        ["2", "Fab Deux", "96000", "96005", "Tiers lieux à dominante fablab", "45.0", "3.0"],
        ["3", "Lieu Trois", "0", "0", "", "45.0", "3.2"]])
    files["france_services"] = _write(
        m / "fs.csv", ["id_fs", "lib_fs", "insee_com", "latitude", "longitude", "type_fs"],
        [["1", "France services Alpha", "96001", "45.0", "3.0", "Principal"],
         ["2", "France services Alpha - Antenne de Delta", "96004", "45.0", "3.2", "Antenne"],
         ["3", "France services Epsilon", "98001", "44.0", "3.0", "Principal"]])
    files["mobpro_flows"] = _write(m / "flux.csv", ["CODGEO", "LIBGEO", "DCLT", "L_DCLT", "NBFLUX_C20_ACTOCC15P"], [
        ["96001", "Alpha", "96001", "Alpha", "100"], ["96001", "Alpha", "96003", "Gamma", "50"],
        ["96002", "Beta", "96001", "Alpha", "30"], ["96003", "Gamma", "96001", "Alpha", "20"],
        ["96004", "Delta", "96004", "Delta", "40"], ["96004", "Delta", "CH001", "Genève", "10"],
        ["98001", "Epsilon", "96001", "Alpha", "5"],
        ["96999", "Inconnue", "96001", "Alpha", "7"]], sep=";")   # residence unknown to the referential
    files["subventions"] = _write(
        m / "subventions.csv", ["nomAttribuant", "dateConvention", "nomBeneficiaire", "idBeneficiaire", "objet",
                                "montant"],
        [["Région de Test", "2024-01-15", "LIEU  UN", "", "Fonctionnement", "1000.50"],
         ["Région de Test", "2024-02-01", "Association du Val", "", "Programme Fabrique de territoire 2024", "500"],
         ["Département de Test", "2024-03-01", "FAB DEUX SAS", "12345678901234", "Équipement", "2000"]])
    header = ["annee", "identifiant_lieu", "nom_lieu", "siret", "code_commune", "type_lieu", "postes_travail",
              "adherents", "visiteurs_semaine", "statut_lieu"]
    files["surveys"] = _write(m / "enquete.csv", header, [
        ["2024", "TL2019-1", "Lieu Un", "", "96001", "coworking", "10", "20", "100", "ouvert"],
        ["2024", "TL2019-2", "Fab Deux", "12345678901234", "96001", "fablab", "0", "30", "40", ""],
        ["2025", "TL2019-1", "Lieu Un", "", "96001", "coworking", "12", "25", "150", "fermé"],
        ["2025", "TL2019-3", "Lieu Trois", "", "96004", "tiers-lieu social", "4", "10", "20", "ouvert"],
        ["2025", "", "Atelier Local", "", "96003", "atelier partagé", "2", "8", "15", "en projet"]], sep=";")
    return files


def dbt(*args: str, db: Path, target: Path, vars: dict | None = None) -> subprocess.CompletedProcess:
    exe = Path(sys.executable).parent / "dbt"
    env = {**os.environ, "OBSERVATOIRE_BUILD_DB": str(db)}
    return subprocess.run([str(exe), *args, "--project-dir", str(DBT_DIR), "--profiles-dir", str(DBT_DIR),
                           "--target-path", str(target), "--log-path", str(target / "logs"),
                           "--vars", json.dumps(VARS if vars is None else vars)],
                          env=env, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    """The tiny territory loaded by the production loader and built by `dbt build` (tests included)."""
    tmp = tmp_path_factory.mktemp("tiny")
    db = tmp / "tiny.duckdb"
    con = duckdb.connect(str(db))
    for source, path in write_tiny_mirror(tmp / "mirror").items():
        res = load_source(con, source, [fetch(source, str(path), tmp / "snapshots")])
        assert res.rows_rejected == 0, source
    # A laureate table as the programme source publishes it (ANCT GeoJSON properties: several projects in
    # one feature, "; "-separated), with the raw lineage columns.
    con.execute("""create table raw.programme_laureates as select * from (values
        ('96003', 'Gamma', 'fabt-1; fabt-2', 'Fab A; Fab B', 'fabt_geom.geojson', 1),
        ('96005', 'Alpha-le-Vieux', 'manuprox-2-7', 'Manu Sept', 'manuprox_geom.geojson', 1))
        t(id_geo, lib_geo, id_territoire, lib_territoire, _file, _row)""")
    con.close()
    target = tmp / "target"
    proc = dbt("build", db=db, target=target)
    assert proc.returncode == 0, proc.stdout[-4000:]
    con = duckdb.connect(str(db), read_only=True)
    yield con, db, target
    con.close()


def tiny_copy(tiny, db: Path, *statements: str) -> Path:
    """A copy of the tiny warehouse at ``db``, with ``statements`` run on it (its raw tables changed)."""
    import shutil

    shutil.copyfile(tiny[1], db)
    w = duckdb.connect(str(db))
    for sql in statements:
        w.execute(sql)
    w.close()
    return db


def one(con, sql, params=()):
    return con.execute(sql, list(params)).fetchone()


def rows(con, sql, params=()):
    return con.execute(sql, list(params)).fetchall()


def test_placement_through_parent_code_and_coordinates(tiny):
    con = tiny[0]
    got = {r[0]: r[1:] for r in rows(con, "select place_id, commune_code, placement_method, place_category "
                                          "from marts.dim_place where place_family in ('tiers_lieu', 'france_services')")}
    # the survey answer matching no place: a place "recensé localement" (int_survey_local_places)
    assert rows(con, "select commune_code, placement_method, place_category, declared_type from marts.dim_place "
                     "where source_name = 'surveys'") == [("96003", "enquete", "atelier_partage", "atelier partagé")]
    assert got == {
        "TL2019-1": ("96001", "code_insee", "coworking"),
        "TL2019-2": ("96001", "code_insee_commune_parente", "fablab_makerspace"),
        "TL2019-3": ("96004", "coordonnees_commune_la_plus_proche", "social"),
        "FS-1": ("96001", "code_insee", "france_services"),
        "FS-2": ("96004", "code_insee", "france_services"),
        "FS-3": ("98001", "code_insee", "france_services"),
    }


def test_coverage_every_level(tiny):
    con = tiny[0]
    cols = ("population, n_tiers_lieux, n_coworking, n_fablab_makerspace, n_social, n_non_renseigne, "
            "n_france_services, n_france_services_principal, n_france_services_antenne, n_cantons, "
            "n_cantons_without_france_services")
    q = f"select {cols} from marts.fct_coverage_territory where territory_level = ? and territory_code = ?"
    assert one(con, q, ["national", "FR"]) == (10500, 3, 1, 1, 1, 0, 3, 2, 1, 4, 1)
    assert one(con, q, ["region", "98"]) == (500, 0, 0, 0, 0, 0, 1, 1, 0, 1, 0)
    assert one(con, q, ["departement", "96"]) == (10000, 3, 1, 1, 1, 0, 2, 1, 1, 3, 1)
    assert one(con, q, ["canton", "9602"]) == (3000, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1)
    assert one(con, q, ["epci", "200000001"])[:9] == (7000, 3, 1, 1, 1, 0, 2, 1, 1)
    assert one(con, q, ["commune", "96001"])[:9] == (1000, 2, 1, 1, 0, 0, 1, 1, 0)
    # The EPCI with no place: zeros, not missing.
    assert one(con, "select n_tiers_lieux, tiers_lieux_per_10k, n_france_services, n_labels, "
                    "n_label_fabrique_territoire from marts.fct_coverage_territory "
                    "where territory_level = 'epci' and territory_code = '200000002'") == (0, 0.0, 0, 2, 2)
    per10k, reg, nat = one(con, "select tiers_lieux_per_10k, region_tiers_lieux_per_10k, national_tiers_lieux_per_10k "
                                "from marts.fct_coverage_territory where territory_level = 'epci' "
                                "and territory_code = '200000001'")
    assert (per10k, reg, nat) == (pytest.approx(3 * 10000 / 7000), pytest.approx(3.0), pytest.approx(3 * 10000 / 10500))
    assert one(con, "select france_services_per_10k from marts.fct_coverage_territory "
                    "where territory_level = 'region' and territory_code = '98'") == (20.0,)
    names = dict(rows(con, "select territory_level || ':' || territory_code, territory_name from marts.dim_territory "
                           "where territory_level in ('departement', 'region', 'epci')"))
    assert names["departement:98"] == "Dép. 98" and names["region:96"] == "Rég. 96" and names["epci:200000002"] == "EPCI 2"
    assert "tierslieux_2019 : inventaire.csv" in one(con, "select sources from marts.fct_coverage_territory "
                                                         "where territory_level = 'national'")[0]


def test_distances_and_the_exact_threshold(tiny):
    con = tiny[0]
    near = {(r[0], r[1]): r[2] for r in rows(con, "select commune_code, kind, nearest_km from marts.fct_access_commune_kind")}
    assert near[("96001", "tiers_lieu")] == 0.0
    assert near[("96002", "tiers_lieu")] == 5.0                   # exactly the threshold (to the metre)
    assert near[("96003", "tiers_lieu")] == 55.597                # 0.5 degree of latitude
    assert near[("98001", "tiers_lieu")] == 111.195               # 1 degree of latitude
    assert near[("96004", "coworking")] == pytest.approx(15.72, abs=0.01)
    assert near[("96003", "label_fabrique_territoire")] == 0.0
    assert near[("96001", "label_fabrique_territoire")] == 55.597
    assert near[("96001", "culturel")] is None                    # no place of that kind: null, not 0
    assert one(con, "select nearest_place_id from marts.fct_access_commune_kind "
                    "where commune_code = '96003' and kind = 'france_services'") == ("FS-1",)
    within = {(r[0], r[1]): r[2:] for r in rows(
        con, "select kind, distance_km, population_within, n_communes_within from marts.fct_access_territory "
             "where territory_level = 'national'")}
    # Alpha 1000 (0 km) + Beta 2000 (exactly 5 km) + Delta 4000 (0 km); Gamma 55.6 km, Epsilon 111.2 km.
    assert within[("tiers_lieu", 5.0)] == (7000, 3)
    assert within[("tiers_lieu", 20.0)] == (7000, 3)
    # Only the coworking of Alpha: Delta (15.7 km) joins at 20 km.
    assert within[("coworking", 5.0)] == (3000, 2)
    assert within[("coworking", 10.0)] == (3000, 2)
    assert within[("coworking", 20.0)] == (7000, 3)
    # France Services at Alpha, Delta (antenna) and Epsilon.
    assert within[("france_services", 5.0)] == (7500, 4)
    share = one(con, "select share_within from marts.fct_access_territory where territory_level = 'national' "
                     "and kind = 'tiers_lieu' and distance_km = 5")[0]
    assert share == pytest.approx(7000 / 10500)
    # The EPCI with no place.
    assert one(con, "select population_with_coordinates, population_within, share_within from marts.fct_access_territory "
                    "where territory_level = 'epci' and territory_code = '200000002' and kind = 'tiers_lieu' "
                    "and distance_km = 20") == (3000, 0, 0.0)
    # The existing EPCI mart agrees (Beta at exactly 5 km counts).
    assert one(con, "select population_within_tiers_lieu from marts.fct_access_epci "
                    "where epci_code = '200000001' and distance_km = 5") == (7000,)


def test_distances_follow_a_moved_facility(tiny, tmp_path):
    """int_nearest_place is searched again at every build: a France Services that moves (here from
    Epsilon to Gamma) moves every distance that depended on it."""
    db = tiny_copy(tiny, tmp_path / "copy.duckdb",
                   "update raw.france_services set latitude = '45.5', insee_com = '96003' where id_fs = '3'")
    proc = dbt("run", "--select", "+int_nearest_place", db=db, target=tmp_path / "target")
    assert proc.returncode == 0, proc.stdout[-4000:]
    w = duckdb.connect(str(db), read_only=True)
    got = {(r[0], r[1]): r[2] for r in rows(w, "select commune_code, kind, nearest_km from intermediate.int_nearest_place")}
    w.close()
    assert got[("96003", "france_services")] == 0.0        # FS-3 arrived at Gamma
    assert got[("98001", "france_services")] == 111.195    # Epsilon lost FS-3: Alpha is the nearest
    assert got[("96001", "france_services")] == 0.0 and got[("96003", "tiers_lieu")] == 55.597


def test_attendance_waves_territories_and_trends(tiny):
    con = tiny[0]
    assert rows(con, "select wave_year, n_answers, n_respondents, n_local_respondents, n_known_places, response_rate "
                     "from marts.fct_attendance_wave order by 1") == [
        (2024, 2, 2, 0, 3, pytest.approx(2 / 3)), (2025, 3, 2, 1, 3, pytest.approx(2 / 3))]
    q = ("select n_known_places, n_respondents, n_local_respondents, visitors_per_week, members, desks, "
         "visitors_per_week_per_1000_inhabitants, visits_per_desk_per_week, previous_visitors_per_week, "
         "visitors_per_week_change_pct, panel_n_places, panel_visitors_per_week, panel_previous_visitors_per_week, "
         "panel_visitors_per_week_change_pct from marts.fct_attendance_territory "
         "where wave_year = ? and territory_level = ? and territory_code = ? and place_category = ?")
    assert one(con, q, [2025, "national", "FR", "tous"]) == (
        3, 2, 1, 185, 43, 18, pytest.approx(185 * 1000 / 10500), pytest.approx(185 / 18), 140,
        pytest.approx((185 - 140) / 140 * 100), 1, 150, 100, pytest.approx(50.0))
    assert one(con, q, [2024, "national", "FR", "tous"])[:10] == (
        3, 2, 0, 140, 50, 10, pytest.approx(140 * 1000 / 10500), pytest.approx(10.0), None, None)
    # The EPCI without a known place: only the locally known workshop answered.
    assert one(con, q, [2025, "epci", "200000002", "tous"])[:8] == (0, 0, 1, 15, 8, 2, pytest.approx(5.0), pytest.approx(7.5))
    assert one(con, "select response_rate from marts.fct_attendance_territory where wave_year = 2025 "
                    "and territory_level = 'epci' and territory_code = '200000002' and place_category = 'tous'") == (None,)
    assert one(con, q, [2025, "national", "FR", "social"])[:6] == (1, 1, 0, 20, 10, 4)
    assert one(con, q, [2024, "epci", "200000003", "tous"])[:6] == (0, 0, 0, 0, 0, 0)
    assert one(con, "select visitors_per_week_change_pct, visits_per_desk_per_week from marts.fct_attendance_place "
                    "where place_key = 'TL2019-1' and wave_year = 2025") == (pytest.approx(50.0), pytest.approx(12.5))


def test_funding_grants_and_programme_estimates(tiny):
    con = tiny[0]
    got = {r[0]: r[1:] for r in rows(con, "select beneficiary_name, place_id, match_method, programme_code "
                                          "from marts.fct_grants")}
    assert got == {"LIEU  UN": ("TL2019-1", "nom", "hors_programme"),
                   "Association du Val": (None, "non_rapproche", "fabrique_territoire"),
                   "FAB DEUX SAS": ("TL2019-2", "siret", "hors_programme")}
    funder = {(r[0], r[1], r[2]): r[3:] for r in rows(
        con, "select funder_name, programme_code, basis, n_items, amount_eur, estimated_annual_eur "
             "from marts.fct_funding_funder_programme")}
    assert funder[("Région de Test", "hors_programme", "subventions_publiees")] == (1, 1000.5, None)
    assert funder[("Région de Test", "fabrique_territoire", "subventions_publiees")] == (1, 500.0, None)
    assert funder[("Département de Test", "hors_programme", "subventions_publiees")] == (1, 2000.0, None)
    # 2 France Services main sites x 30,000 / year; 2 Fabriques x (75,000 + 150,000) / 2 over 3 years.
    assert funder[("État (ANCT)", "france_services", "estimation_programme")] == (2, 60000.0, 60000.0)
    assert funder[("État (ANCT)", "fabrique_territoire", "estimation_programme")] == (2, 225000.0, 75000.0)
    assert funder[("État (ANCT)", "manufacture_proximite", "estimation_programme")] == (1, None, None)
    q = ("select amount_to_places_eur, amount_to_places_per_inhabitant_eur, amount_per_tiers_lieu_eur, "
         "estimated_programmes_annual_eur, estimated_france_services_eur, estimated_fabrique_territoire_eur "
         "from marts.fct_funding_territory where territory_level = ? and territory_code = ?")
    assert one(con, q, ["epci", "200000001"]) == (3000.5, pytest.approx(3000.5 / 7000), pytest.approx(3000.5 / 3),
                                                  30000.0, 30000.0, 0.0)
    assert one(con, q, ["epci", "200000002"]) == (0.0, 0.0, None, 37500.0 * 2, 0.0, 225000.0)
    assert one(con, q, ["national", "FR"]) == (3000.5, pytest.approx(3000.5 / 10500), pytest.approx(3000.5 / 3),
                                               135000.0, 60000.0, 225000.0)
    # The existing EPCI mart agrees.
    assert one(con, "select amount_to_places_eur from marts.fct_funding_epci where epci_code = '200000001'") == (3000.5,)


def test_commuting_poles_and_opportunities(tiny):
    con = tiny[0]
    c = {r[0]: r[1:] for r in rows(con, "select commune_code, active_residents, commuters_out_of_commune, "
                                        "commuters_out_of_epci, commuters_to_poles, main_pole_code, long_commuters, "
                                        "commuters_distance_unknown, unserved_long_commuters "
                                        "from marts.fct_commuting_commune")}
    assert c == {"96001": (150, 50, 50, 0, None, 50, 0, 0),
                 "96002": (30, 30, 0, 30, "96001", 0, 0, 0),
                 "96003": (20, 20, 20, 20, "96001", 20, 0, 20),
                 "96004": (50, 10, 10, 0, None, 0, 10, 0),
                 "98001": (5, 5, 5, 5, "96001", 5, 0, 5)}
    # Alpha: 100 stayers + 30 (Beta) + 20 (Gamma, E2) + 5 (Epsilon, E3) + 7 (unknown residence, no EPCI).
    assert rows(con, "select commune_code, jobs, active_residents, incoming_commuters, n_origin_communes, "
                     "incoming_from_other_epci, incoming_long_commuters from marts.fct_employment_poles") == [
        ("96001", 162, 150, 62, 4, 32, 25)]
    # The flow whose residence is unknown is reported, not lost.
    assert rows(con, "select reason, published_residence_code, n_flows, workers from marts.quality_commuting_flows") == [
        ("commune de résidence inconnue du référentiel", "96999", 1, 7.0)]
    e = {r[0]: r[1:] for r in rows(con, "select epci_code, active_residents, long_commuters, n_tiers_lieux, "
                                        "opportunity_score, opportunity_rank, is_opportunity_zone "
                                        "from marts.fct_opportunity_epci")}
    assert e == {"200000002": (20, 20, 0, 20.0, 1, True),       # 20 / (0 + 1): the EPCI with no place
                 "200000001": (230, 50, 3, 12.5, 2, False),     # 50 / (3 + 1)
                 "200000003": (5, 5, 0, 5.0, 3, False)}
    assert one(con, "select commuters_out_of_epci, unserved_long_commuters from marts.fct_commuting_epci "
                    "where epci_code = '200000001'") == (60, 0)


def test_complete_flows_cantons_and_grant_years(tiny):
    """The tiny flow file publishes its stayers (Alpha -> Alpha, Delta -> Delta) and flows below 100: it is
    complete, every figure is known; its cantons are all real; its grants are dated."""
    con = tiny[0]
    c = {r[0]: r[1:] for r in rows(con, "select commune_code, flows_coverage, flows_threshold_workers, commuters_in_flows, "
                                        "active_residents, working_in_commune, share_out_of_commune "
                                        "from marts.fct_commuting_commune")}
    assert c == {"96001": ("complet", None, 150, 150, 100, pytest.approx(50 / 150)),
                 "96002": ("complet", None, 30, 30, 0, 1.0),
                 "96003": ("complet", None, 20, 20, 0, 1.0),
                 "96004": ("complet", None, 50, 50, 40, pytest.approx(10 / 50)),
                 "98001": ("complet", None, 5, 5, 0, 1.0)}
    assert rows(con, "select epci_code, flows_coverage, n_communes_with_flows, commuters_in_flows, active_residents "
                     "from marts.fct_commuting_epci order by 1") == [
        ("200000001", "complet", 3, 230, 230), ("200000002", "complet", 1, 20, 20), ("200000003", "complet", 1, 5, 5)]
    assert rows(con, "select distinct score_status, score_note, n_epci_ranked from marts.fct_opportunity_epci") == [
        ("calcule", None, 3)]
    assert rows(con, "select flows_coverage, residents_in_flows, active_residents from marts.fct_employment_poles") == [
        ("complet", 150, 150)]
    # Cantons 9601, 9602 (Gamma, no France Services), 9603, 9801: all real.
    q = ("select n_real_cantons, n_real_cantons_without_france_services, n_pseudo_cantons, "
         "n_pseudo_cantons_without_france_services, n_communes_in_pseudo_cantons, n_communes_without_canton, "
         "cantons_without_france_services_fr from marts.fct_coverage_territory "
         "where territory_level = ? and territory_code = ?")
    assert one(con, q, ["national", "FR"]) == (4, 1, 0, 0, 0, 0, "1 canton sans France Services sur 4")
    assert one(con, q, ["region", "98"]) == (1, 0, 0, 0, 0, 0, "aucun canton sans France Services sur 1")
    assert one(con, q, ["epci", "200000001"]) == (None,) * 7
    assert rows(con, "select distinct canton_status from marts.fct_coverage_canton") == [("canton",)]
    # Grants: every dateConvention of 2024 is published.
    assert rows(con, "select distinct grant_year, grant_year_source from marts.fct_grants") == [(2024, "date_convention")]
    assert rows(con, "select funder_name, grant_year, n_grants, amount_eur, n_grants_to_places, amount_to_places_eur, "
                     "grant_year_sources from marts.fct_funding_funder order by 1") == [
        ("Département de Test", 2024, 1, 2000.0, 1, 2000.0, "date_convention"),
        ("Région de Test", 2024, 2, 1500.5, 1, 1000.5, "date_convention")]
    assert rows(con, "select distinct grant_year from marts.fct_funding_funder_programme "
                     "where basis = 'subventions_publiees'") == [(2024,)]
    assert one(con, "select grant_years, grant_years_loaded from marts.fct_funding_territory "
                    "where territory_level = 'epci' and territory_code = '200000001'") == ("2024", "2024")
    assert one(con, "select grant_years, grant_years_loaded from marts.fct_funding_territory "
                    "where territory_level = 'epci' and territory_code = '200000002'") == (None, "2024")
    assert one(con, "select grant_years from marts.fct_funding_epci where epci_code = '200000001'") == ("2024",)


@pytest.fixture(scope="module")
def tiny_variant(tiny, tmp_path_factory):
    """The tiny warehouse rebuilt (dbt build, tests included) after three changes of its raw files:

    * flows: the stayers (CODGEO = DCLT) are removed from flux.csv and Epsilon's only flow is dropped, while
      Delta's flows (its stayers included) come from a second, complete file: flux.csv is now an extract
      (smallest flow published 7, the unknown residence), EPCI 200000003 (Epsilon) has no flow at all;
    * cantons: Gamma is put in the pseudo-canton 9690 (no France Services) and Epsilon has no canton;
    * grants: "Association du Val" loses its date (file subventions.csv: no year), "FAB DEUX SAS" loses
      its date and comes from subventions-2023.csv (year of the file name)."""
    tmp = tmp_path_factory.mktemp("tiny_variant")
    db = tiny_copy(
        tiny, tmp / "variant.duckdb",
        "delete from raw.mobpro_flows where (CODGEO = DCLT and CODGEO <> '96004') or CODGEO = '98001'",
        "update raw.mobpro_flows set _file = 'flux_complet.csv' where CODGEO = '96004'",
        "update raw.cog_communes set CAN = '9690' where COM = '96003'",
        "update raw.cog_communes set CAN = '' where COM = '98001'",
        "update raw.subventions set dateConvention = '' where nomBeneficiaire in ('Association du Val', 'FAB DEUX SAS')",
        "update raw.subventions set _file = 'subventions-2023.csv' where nomBeneficiaire = 'FAB DEUX SAS'")
    proc = dbt("build", "--select", "stg_mobpro_flows+", "stg_cog_communes+", "stg_subventions+", db=db, target=tmp / "target")
    assert proc.returncode == 0, proc.stdout[-4000:]
    con = duckdb.connect(str(db), read_only=True)
    yield con
    con.close()


def test_flows_extract_without_stayers_claims_no_residents_total(tiny_variant):
    con = tiny_variant
    c = {r[0]: r[1:] for r in rows(con, "select commune_code, flows_coverage, flows_threshold_workers, commuters_in_flows, "
                                        "working_in_commune, commuters_out_of_commune, commuters_out_of_epci, "
                                        "share_out_of_commune, long_commuters, share_long_commuters "
                                        "from marts.fct_commuting_commune")}
    # Alpha -> Gamma 50 (55.6 km); Beta -> Alpha 30; Gamma -> Alpha 20 (55.6 km): flows of the extract only, no
    # total of residents, so nothing "working in the commune" (unknown, not 0) and no share (unknown, not 100 %).
    assert c == {"96001": ("extrait_seuil", 7.0, 50, None, 50, 50, None, 50, None),
                 "96002": ("extrait_seuil", 7.0, 30, None, 30, 0, None, 0, None),
                 "96003": ("extrait_seuil", 7.0, 20, None, 20, 20, None, 20, None),
                 # Delta's file is complete (its stayers are published): unchanged.
                 "96004": ("complet", None, 50, 40, 10, 10, pytest.approx(0.2), 0, 0.0)}
    # The residents' total is only published for a complete file; every flow is still counted.
    assert rows(con, "select commune_code, active_residents from marts.fct_commuting_commune order by 1") == [
        ("96001", None), ("96002", None), ("96003", None), ("96004", 50)]
    e = {r[0]: r[1:] for r in rows(con, "select epci_code, flows_coverage, n_communes_with_flows, commuters_in_flows, "
                                        "active_residents, commuters_out_of_epci, share_out_of_epci, long_commuters, "
                                        "share_long_commuters, flows_threshold_workers from marts.fct_commuting_epci")}
    assert e == {"200000001": ("extrait_seuil", 3, 130, None, 60, None, 50, None, 7.0),
                 "200000002": ("extrait_seuil", 1, 20, None, 20, None, 20, None, 7.0),
                 # No flow at all: unknown, never 0.
                 "200000003": ("sans_donnees", 0, None, None, None, None, None, None, None)}


def test_opportunity_not_computed_without_commuting_data(tiny_variant):
    con = tiny_variant
    e = {r[0]: r[1:] for r in rows(con, "select epci_code, score_status, opportunity_score, opportunity_rank, "
                                        "is_opportunity_zone, n_epci_ranked, long_commuters from marts.fct_opportunity_epci")}
    assert e == {"200000002": ("calcule", 20.0, 1, True, 2, 20),       # 20 / (0 + 1); top quarter: ceil(2 / 4) = 1
                 "200000001": ("calcule", 12.5, 2, False, 2, 50),      # 50 / (3 + 1)
                 "200000003": ("non_calcule", None, None, None, 2, None)}
    notes = dict(rows(con, "select epci_code, score_note from marts.fct_opportunity_epci"))
    assert notes["200000003"] == "Non calculé : aucune donnée de mobilité domicile-travail pour cet EPCI."
    assert notes["200000001"].startswith("Calculé sur un extrait des flux domicile-travail (plus petit flux publié : 7 actifs")


def test_cantons_without_france_services_count_real_cantons_only(tiny_variant):
    con = tiny_variant
    q = ("select n_cantons, n_cantons_without_france_services, n_real_cantons, n_real_cantons_without_france_services, "
         "n_pseudo_cantons, n_pseudo_cantons_without_france_services, n_communes_in_pseudo_cantons, "
         "n_communes_without_canton, cantons_without_france_services_fr from marts.fct_coverage_territory "
         "where territory_level = ? and territory_code = ?")
    # 9601 (Alpha, Beta: FS-1) and 9603 (Delta: FS-2) are real cantons with a France Services; Gamma's pseudo-canton
    # 9690 has none; Epsilon has no canton. All codes mixed: 1 "without" of 3; real cantons: none of 2.
    assert one(con, q, ["national", "FR"]) == (
        3, 1, 2, 0, 1, 1, 1, 1,
        "aucun canton sans France Services sur 2 ; pseudo-cantons comptés à part : 1 sans France Services sur 1 "
        "(1 commune partagée entre plusieurs cantons) ; 1 commune sans canton hors décompte")
    # A région whose only commune has no canton: no canton at all (zeros, not nulls, at this level).
    assert one(con, q, ["region", "98"]) == (None, None, 0, 0, 0, 0, 0, 1, "aucun canton ; 1 commune sans canton hors décompte")
    assert dict(rows(con, "select canton_code, canton_status from marts.fct_coverage_canton")) == {
        "9601": "canton", "9603": "canton", "9690": "pseudo_canton"}


def test_grant_year_from_the_date_else_the_file_name(tiny_variant):
    con = tiny_variant
    assert rows(con, "select beneficiary_name, grant_year, grant_year_source from marts.fct_grants order by 1") == [
        ("Association du Val", None, "inconnue"),      # no date, no year in "subventions.csv"
        ("FAB DEUX SAS", 2023, "nom_fichier"),         # no date: "subventions-2023.csv"
        ("LIEU  UN", 2024, "date_convention")]
    assert rows(con, "select funder_name, grant_year, n_grants, amount_eur, amount_to_places_eur, grant_year_sources "
                     "from marts.fct_funding_funder order by 1, 2 nulls last") == [
        ("Département de Test", 2023, 1, 2000.0, 2000.0, "nom_fichier"),
        ("Région de Test", 2024, 1, 1000.5, 1000.5, "date_convention"),
        ("Région de Test", None, 1, 500.0, 0.0, "inconnue")]
    assert one(con, "select grant_year, amount_eur from marts.fct_funding_funder_programme "
                    "where basis = 'subventions_publiees' and programme_code = 'fabrique_territoire'") == (None, 500.0)
    # The territory totals still add both years, and say so.
    assert one(con, "select amount_to_places_eur, grant_years, grant_years_loaded from marts.fct_funding_territory "
                    "where territory_level = 'national'") == (3000.5, "2023, 2024", "2023, 2024")
    assert one(con, "select amount_to_places_eur, grant_years from marts.fct_funding_epci "
                    "where epci_code = '200000001'") == (3000.5, "2023, 2024")



HISTORY = ("select place_name, known_from, first_seen_year, last_seen_year, n_mentions, status, status_source, "
           "status_year, opening_year, closing_year from marts.fct_place_history order by place_name")
OFFER = ("select observation_year, n_places, n_open, n_project, n_closed, n_opened, n_closed_in_year, share_open, "
         "n_status_from_survey, open_places_change from marts.fct_offer_territory_year "
         "where territory_level = ? and territory_code = ? order by observation_year")
INVENTORY_2019 = "l'inventaire national des tiers-lieux 2019"


def test_place_history_and_offer_per_year(tiny):
    """The status of the tiny places through time, by hand. Surveys (statut_lieu): 2024 Lieu Un « ouvert »,
    Fab Deux blank; 2025 Lieu Un « fermé », Lieu Trois « ouvert », Atelier Local (known from the survey
    only, at Gamma) « en projet ». The inventory lists the three TL2019 places in 2019
    (ouvert); no laureate is the same place as one of them (other names)."""
    con = tiny[0]
    assert rows(con, HISTORY) == [
        ("Atelier Local", "enquete", 2025, 2025, 1, "en_projet", "surveys", 2025, None, None),
        ("Fab Deux", "liste", 2019, 2024, 2, "ouvert", "tierslieux_2019", 2019, None, None),   # 2024: no status
        ("Lieu Trois", "liste", 2019, 2025, 2, "ouvert", "surveys", 2025, None, None),
        ("Lieu Un", "liste", 2019, 2025, 3, "ferme", "surveys", 2025, None, 2025)]
    # year, places, open, project, closed, opened, closed in year, share open, status from the survey, change
    assert rows(con, OFFER, ["national", "FR"]) == [
        (2019, 3, 3, 0, 0, 0, 0, 1.0, 0, None),
        (2024, 3, 3, 0, 0, 0, 0, 1.0, 1, 0),
        (2025, 4, 2, 1, 1, 0, 1, pytest.approx(2 / 3), 3, -1)]
    assert rows(con, OFFER, ["epci", "200000002"]) == [          # Gamma: the project only
        (2019, 0, 0, 0, 0, 0, 0, None, 0, None), (2024, 0, 0, 0, 0, 0, 0, None, 0, 0),
        (2025, 1, 0, 1, 0, 0, 0, 0.0, 1, 0)]
    assert rows(con, OFFER, ["commune", "96003"]) == [(2025, 1, 0, 1, 0, 0, 0, 0.0, 1, 0)]
    assert rows(con, OFFER, ["commune", "98001"]) == []
    assert rows(con, "select observation_year, status_base_fr from marts.fct_offer_territory_year "
                     "where territory_level = 'national' order by 1") == [
        (2019, f"selon {INVENTORY_2019}"),
        (2024, f"selon {INVENTORY_2019} et l'enquête de l'observatoire 2024"),
        (2025, f"selon {INVENTORY_2019} et les enquêtes de l'observatoire 2024-2025")]


@pytest.fixture(scope="module")
def tiny_history(tiny, tmp_path_factory):
    """The tiny warehouse rebuilt after three more answers: Lieu Trois answered a 2019 wave « en projet » (the
    year of the inventory that lists it), Atelier Local answered 2024 « en projet » and its 2025 answer says
    « ouvert »."""
    import shutil

    tmp = tmp_path_factory.mktemp("tiny_history")
    db = tmp / "history.duckdb"
    shutil.copyfile(tiny[1], db)
    w = duckdb.connect(str(db))
    w.execute("""insert into raw.surveys by name
        select * from (values ('2019', 'TL2019-3', 'Lieu Trois', '96004', 'en projet', 'enquete-2019.csv', 1, 2),
                              ('2024', null, 'Atelier Local', '96003', 'en projet', 'enquete-2024.csv', 1, 2))
        t(annee, identifiant_lieu, nom_lieu, code_commune, statut_lieu, _file, _row, _line)""")
    w.execute("update raw.surveys set statut_lieu = 'ouvert' where nom_lieu = 'Atelier Local' and annee = '2025'")
    w.close()
    proc = dbt("build", "--select", "stg_surveys+", db=db, target=tmp / "target")
    assert proc.returncode == 0, proc.stdout[-4000:]
    con = duckdb.connect(str(db), read_only=True)
    yield con
    con.close()


def test_status_rule_survey_beats_list_and_openings(tiny_history):
    """In 2019 Lieu Trois is listed (ouvert) and answers « en projet »: the answer wins that year; it is
    « ouvert » in 2025, so it opened in 2025. Atelier Local, in project in 2024, opened in 2025."""
    con = tiny_history
    got = {r[0]: r[1:] for r in rows(con, HISTORY)}
    assert got["Lieu Trois"] == ("liste", 2019, 2025, 3, "ouvert", "surveys", 2025, 2025, None)
    assert got["Atelier Local"] == ("enquete", 2024, 2025, 2, "ouvert", "surveys", 2025, 2025, None)
    assert got["Lieu Un"][4:] == ("ferme", "surveys", 2025, None, 2025)
    assert rows(con, OFFER, ["national", "FR"]) == [
        (2019, 3, 2, 1, 0, 0, 0, pytest.approx(2 / 3), 1, None),
        (2024, 4, 2, 2, 0, 0, 0, 0.5, 3, 0),      # Lieu Trois still by its 2019 answer
        (2025, 4, 3, 0, 1, 2, 1, 1.0, 3, 1)]
    assert one(con, "select status_base_fr from marts.fct_offer_territory_year where territory_level = 'national' "
                    "and observation_year = 2019") == (f"selon {INVENTORY_2019} et l'enquête de l'observatoire 2019",)


def test_labels_and_docs(tiny, tmp_path):
    con, db, target = tiny
    assert rows(con, "select label_id, programme_code, label_name, commune_code from marts.dim_programme_label "
                     "order by 1") == [("fabt-1", "fabrique_territoire", "Fab A", "96003"),
                                       ("fabt-2", "fabrique_territoire", "Fab B", "96003"),
                                       ("manuprox-2-7", "manufacture_proximite", "Manu Sept", "96001")]
    con.close()   # dbt docs generate opens the file
    proc = dbt("docs", "generate", db=db, target=target)
    assert proc.returncode == 0, proc.stdout[-4000:]
    manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
    catalog = json.loads((target / "catalog.json").read_text(encoding="utf-8"))
    undocumented = []
    marts = [(uid, n) for uid, n in manifest["nodes"].items() if n["resource_type"] == "model" and "marts" in n["fqn"]]
    assert len(marts) >= 30
    for uid, node in marts:
        if not node["description"].strip():
            undocumented.append(node["name"])
        described = {k.lower() for k, v in node["columns"].items() if v.get("description", "").strip()}
        for col in catalog["nodes"][uid]["columns"]:
            if col.lower() not in described:
                undocumented.append(f"{node['name']}.{col}")
    assert undocumented == []
    exposure = next(e for e in manifest["exposures"].values() if e["name"] == "tableau_de_bord")
    depends = {(manifest["nodes"].get(d) or manifest["sources"][d])["name"] for d in exposure["depends_on"]["nodes"]}
    assert {"fct_summary_territory", "fct_coverage_territory", "fct_access_tiers_lieu_territory",
            "fct_attendance_territory", "fct_funding_territory", "fct_opportunity_epci"} <= depends



# --- The real public files (tests/conftest.py real_warehouse; skipped when ../shared/data is absent) ---------

def test_real_files_extract_opportunity_cantons_and_grant_years(real_warehouse):
    """On the real files, each figure recomputed here from the files themselves: the Île-de-France flows are a
    thresholded extract (no CODGEO = DCLT row, smallest flow 100), so no commune claims a residents' total; the
    EPCI without any flow are not scored; cantons without France Services are counted over real cantons; the
    two Toulouse SCDL files are two years, never added up per funder."""
    con, data, _ = real_warehouse
    with (data / "mobpro_idf_cartograflow/tab_IDF_mobpro.csv").open(encoding="utf-8", newline="") as fh:
        flows = list(csv.DictReader(fh, delimiter=";"))
    assert not any(r["CODGEO"] == r["DCLT"] for r in flows)
    smallest = min(float(r["NBFLUX_C14_ACTOCC15P"]) for r in flows)
    assert smallest == 100
    got = one(con, "select count(*), count(*) filter (where flows_coverage = 'extrait_seuil' "
                   "and flows_threshold_workers = 100 and working_in_commune is null and share_out_of_commune is null "
                   "and share_long_commuters is null), sum(commuters_in_flows) from marts.fct_commuting_commune")
    print(f"\nCommunes avec des flux : {got[0]}, toutes « extrait_seuil » sans total d'actifs : {got[1]}")
    assert got[0] == got[1] > 490
    assert got[2] + one(con, "select coalesce(sum(workers), 0) from marts.quality_commuting_flows")[0] == \
        sum(float(r["NBFLUX_C14_ACTOCC15P"]) for r in flows)

    # Opportunity: an EPCI is scored exactly when one of its communes has flows; ranks 1..n among those only.
    with_flows = {r[0] for r in rows(con, "select distinct epci_code from marts.fct_commuting_commune "
                                          "where epci_code is not null")}
    status = dict(rows(con, "select epci_code, score_status from marts.fct_opportunity_epci"))
    assert {e for e, s in status.items() if s == "calcule"} == with_flows
    n_ranked, ranks, n_null = one(con, "select any_value(n_epci_ranked), list(opportunity_rank order by opportunity_rank) "
                                       "filter (where score_status = 'calcule'), count(*) filter (where score_status = "
                                       "'non_calcule' and opportunity_score is null and opportunity_rank is null) "
                                       "from marts.fct_opportunity_epci")
    print(f"EPCI classés : {n_ranked}, non calculés : {n_null} sur {len(status)}")
    assert ranks == list(range(1, len(with_flows) + 1)) and n_ranked == len(with_flows)
    assert n_null == len(status) - len(with_flows) > 1000

    # Cantons without France Services, real cantons apart from pseudo-cantons (codes ending 90-99).
    com = {r["COM"]: r for r in _rows_sep(data / "insee_cog/commune_2022.csv", ",") if r["TYPECOM"] == "COM"}
    placed = {r[0] for r in rows(con, "select commune_code from marts.dim_place where place_family = 'france_services'")}
    served = {com[c]["CAN"] for c in placed if c in com and com[c]["CAN"]}
    cantons = {r["CAN"] for r in com.values() if r["CAN"]}
    pseudo = {c for c in cantons if 90 <= int(c[-2:]) <= 99}
    real = cantons - pseudo
    got = one(con, "select n_real_cantons, n_real_cantons_without_france_services, n_pseudo_cantons, "
                   "n_pseudo_cantons_without_france_services, n_communes_in_pseudo_cantons, n_communes_without_canton, "
                   "cantons_without_france_services_fr from marts.fct_coverage_territory where territory_level = 'national'")
    print("Cantons :", got[-1])
    assert got[:6] == (len(real), len(real - served), len(pseudo), len(pseudo - served),
                       sum(1 for r in com.values() if r["CAN"] in pseudo),
                       sum(1 for r in com.values() if not r["CAN"]))
    assert got[-1].startswith(f"{len(real - served)} cantons sans France Services sur {len(real):,}".replace(",", "\u202f"))

    # Grants: the year of each file (dateConvention is empty in both), one row per funder and year.
    expected = {}
    for year in (2022, 2023):
        grants = _rows_sep(data / f"scdl_subventions_toulouse/subventions-toulouse_{year}.csv")
        assert all(not r["dateConvention"].strip() for r in grants)
        expected[year] = (len(grants), pytest.approx(sum(float(r["montant"]) for r in grants)))
    got = {r[0]: r[1:] for r in rows(con, "select grant_year, n_grants, amount_eur from marts.fct_funding_funder "
                                          "where funder_name = 'Toulouse Métropole'")}
    assert got == {y: (n, a) for y, (n, a) in expected.items()}
    assert rows(con, "select distinct grant_year_source from marts.fct_grants") == [("nom_fichier",)]
    assert one(con, "select grant_years_loaded from marts.fct_funding_territory where territory_level = 'national'") == \
        ("2022, 2023",)


def _rows_sep(path: Path, sep: str = ";") -> list[dict]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh, delimiter=sep))


# --- The demo territory (the session's warehouse built by the real refresh job) ----------------------

def _haversine(lat1, lon1, lat2, lon2) -> float:
    import math

    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (math.sin((p2 - p1) / 2) ** 2
         + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2)
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(a)))


def test_demo_coverage_matches_the_generator_truth(demo_warehouse, demo_mirror):
    truth = demo_mirror[1]
    national = one(demo_warehouse, "select population, n_tiers_lieux, n_france_services, n_cantons, "
                                   "n_cantons_without_france_services, n_labels from marts.fct_coverage_territory "
                                   "where territory_level = 'national'")
    assert national == (truth["population_total"], truth["n_places"], truth["n_france_services"], len(truth["cantons"]),
                        len(truth["cantons_without_france_services"]),
                        truth["referential"]["n_programme_labels_with_code"])
    by_epci = dict(rows(demo_warehouse, "select territory_code, n_tiers_lieux from marts.fct_coverage_territory "
                                        "where territory_level = 'epci'"))
    assert by_epci == {e: v["total"] for e, v in truth["places_by_epci"].items()}
    dep = one(demo_warehouse, "select territory_name from marts.dim_territory where territory_level = 'departement'")
    assert dep == (truth["territory"]["departement_name"],)


def test_demo_place_status_matches_the_generator_truth(demo_warehouse, demo_mirror):
    """Open / in project / closed per EPCI today, and per year (places opened and closed that year), equal the
    truth the generator computed from the rows it wrote: a place closing in 2025, one in project in 2024 that
    opens in 2025, three declaring themselves in project in 2025; the regional list of 2025 (a closed place,
    three places in project that only it knows) adds its statuses, an answer of the same year winning."""
    truth = demo_mirror[1]["place_status"]
    last = one(demo_warehouse, "select max(observation_year) from marts.fct_offer_territory_year")[0]
    by_epci = {r[0]: {"ouvert": r[1], "en_projet": r[2], "ferme": r[3]} for r in rows(
        demo_warehouse, "select territory_code, n_open, n_project, n_closed from marts.fct_offer_territory_year "
                        "where territory_level = 'epci' and observation_year = ?", [last])}
    assert by_epci == truth["by_epci"]
    national = {str(r[0]): {"ouvert": r[1], "en_projet": r[2], "ferme": r[3], "opened": r[4], "closed": r[5]}
                for r in rows(demo_warehouse, "select observation_year, n_open, n_project, n_closed, n_opened, "
                                              "n_closed_in_year from marts.fct_offer_territory_year "
                                              "where territory_level = 'national'")}
    assert {y: national[y] for y in truth["by_year"]} == truth["by_year"]
    assert truth["by_year"]["2025"]["closed"] >= 1 and truth["by_year"]["2025"]["opened"] >= 1
    assert sum(v["en_projet"] for v in truth["by_epci"].values()) >= 3
    # the place history agrees with the offer: one row per place known to an inventory, the regional list (its
    # places of its own too, but not the one it cannot place) or the survey, with its latest status
    assert one(demo_warehouse, "select count(*), count(*) filter (where status = 'ferme'), "
                               "count(*) filter (where status = 'en_projet') from marts.fct_place_history") == (
        truth["n_known_places"], sum(v["ferme"] for v in truth["by_epci"].values()),
        sum(v["en_projet"] for v in truth["by_epci"].values()))


def test_demo_nearest_distances_equal_brute_force(demo_warehouse):
    communes = rows(demo_warehouse, "select commune_code, latitude, longitude from marts.dim_commune")
    places = rows(demo_warehouse, "select place_family, place_category, latitude, longitude from marts.dim_place")
    got = {(r[0], r[1]): r[2] for r in rows(demo_warehouse, "select commune_code, kind, nearest_km "
                                                            "from marts.fct_access_commune_kind")}
    kinds = {"tiers_lieu": [p for p in places if p[0] == "tiers_lieu"],
             "coworking": [p for p in places if p[1] == "coworking"],
             "france_services": [p for p in places if p[0] == "france_services"]}
    assert all(kinds.values())
    for code, lat, lon in communes:
        for kind, targets in kinds.items():
            expected = round(min(_haversine(lat, lon, p[2], p[3]) for p in targets), 3)
            assert got[(code, kind)] == pytest.approx(expected, abs=1e-9), (code, kind)


def test_an_answer_with_an_unknown_place_identifier_is_a_warning(tiny, tmp_path):
    """The 2025 answer of « Lieu Trois » carries a mistyped identifier (TL2019-9 for TL2019-3): it is still
    matched, by its name in its commune (Delta), and the warning-level dbt test assert_survey_place_ids_known
    names the answer, its file and record, and says to correct the identifier; the build goes on."""
    db = tiny_copy(tiny, tmp_path / "typo.duckdb",
                   "update raw.surveys set identifiant_lieu = 'TL2019-9' where identifiant_lieu = 'TL2019-3'")
    proc = dbt("build", "--select", "stg_surveys+", db=db, target=tmp_path / "target")
    assert proc.returncode == 0, proc.stdout[-4000:]
    assert "WARN 1 assert_survey_place_ids_known" in proc.stdout
    con = duckdb.connect(str(db), read_only=True)
    assert rows(con, "select place_id, match_method from intermediate.int_survey_matches where place_ref = 'TL2019-9'") \
        == [("TL2019-3", "nom_commune")]
    assert rows(con, "select message from dbt_test__audit.assert_survey_place_ids_known") == [(
        "Réponse « Lieu Trois » (enquete.csv, enregistrement 4, vague 2025) : identifiant de lieu « TL2019-9 » "
        "inconnu de l'inventaire ; rapprochée par son nom dans sa commune ; corrigez l'identifiant dans le fichier "
        "de réponses.",)]
    con.close()
