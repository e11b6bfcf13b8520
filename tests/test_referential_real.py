"""The commune and place referential on the real public files of ../shared/data (skipped when absent).

The sources of config/shared-data.toml are fetched and loaded by the production code into a temporary DuckDB
file and the real dbt project is built on it (tests included). Expected figures are recomputed here from the
files themselves (csv / json modules), never copied from the warehouse; the counts are printed.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

import pytest


@pytest.fixture(scope="module")
def real(real_warehouse):
    """The warehouse of the real files (tests/conftest.py), with the referential sources listed."""
    con, data, settings = real_warehouse
    needed = {"communes_etalab", "epci_etalab", "programme_laureates", "conseillers_numeriques"}
    missing = needed - set(settings.sources)
    if missing:
        pytest.skip(f"config/shared-data.toml does not list the referential sources {sorted(missing)}")
    return con, data


def _csv(path: Path, sep: str = ",") -> list[dict]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh, delimiter=sep))


def _all(con, sql, params=()):
    return con.execute(sql, list(params)).fetchall()


def test_every_2022_commune_once_and_the_published_population_total(real):
    con, data = real
    cog = _csv(data / "insee_cog/commune_2022.csv")
    com = {r["COM"] for r in cog if r["TYPECOM"] == "COM"}
    pop = _csv(data / "insee_cog/donnees_communes.csv", sep=";")
    total = sum(int(r["PMUN"]) for r in pop)
    n, n_distinct, pop_sum, vintage = con.execute(
        "select count(*), count(distinct commune_code), sum(population), min(cog_vintage) from marts.dim_commune"
    ).fetchone()
    print(f"\nCommunes du COG {vintage} : {n} (fichier : {len(com)}), population municipale {pop_sum:,} "
          f"(fichier : {total:,})")
    assert n == n_distinct == len(com) == 34_955 and vintage == 2022
    assert {r[0] for r in _all(con, "select commune_code from marts.dim_commune")} == com
    assert pop_sum == total == 66_988_403

    # Paris, Lyon, Marseille: the file gives only their arrondissements, summed into the commune.
    def code(r):
        return (r["CODDEP"][:2] if len(r["CODDEP"]) == 3 else r["CODDEP"]) + r["CODCOM"]
    arr = Counter()
    for r in pop:
        c = code(r)
        if c.startswith("751") or c.startswith("6938") or c.startswith("132"):
            arr[{"75": "75056", "69": "69123", "13": "13055"}[c[:2]]] += int(r["PMUN"])
    got = dict(_all(con, "select commune_code, population from marts.dim_commune "
                         "where commune_code in ('75056', '69123', '13055')"))
    print("Paris, Lyon, Marseille (somme des arrondissements) :", got)
    assert got == dict(arr) and got["75056"] > 2_000_000
    assert _all(con, "select count(*) from marts.quality_unplaced_rows where source_name = 'populations'") == [(0,)]


def test_pseudo_cantons_and_communes_without_canton(real):
    con, data = real
    com = [r for r in _csv(data / "insee_cog/commune_2022.csv") if r["TYPECOM"] == "COM"]
    without = {r["COM"] for r in com if not r["CAN"]}
    pseudo = {r["COM"] for r in com if r["CAN"] and 90 <= int(r["CAN"][-2:]) <= 99}
    status = dict(_all(con, "select canton_status, list(commune_code) from marts.dim_commune group by 1"))
    print(f"\nCommunes sans canton : {len(without)} ; communes d'un pseudo-canton : {len(pseudo)}")
    assert set(status["sans_canton"]) == without and len(without) == 116
    assert {r["DEP"] for r in com if not r["CAN"]} == {"69", "75", "972", "973"}
    assert set(status["pseudo_canton"]) == pseudo
    # pseudo-cantons are cantons of their own, flagged; a commune without canton has no canton row
    pseudo_cantons = {r["CAN"] for r in com if r["COM"] in pseudo}
    flagged = {r[0] for r in _all(con, "select canton_code from marts.dim_canton where is_pseudo_canton")}
    assert flagged == pseudo_cantons
    assert _all(con, "select count(*) from intermediate.int_commune_territory t join marts.dim_commune c "
                     "using (commune_code) where t.territory_level = 'canton' and c.canton_status = 'sans_canton'") \
        == [(0,)]
    # ... but they count at every other level (Paris in its EPCI, département, région)
    levels = {r[0] for r in _all(con, "select territory_level from intermediate.int_commune_territory "
                                      "where commune_code = '75056'")}
    assert "canton" not in levels and {"commune", "epci", "departement", "region", "national"} <= levels


@pytest.mark.parametrize("source, file, n_expected", [
    ("tierslieux_2019", "cget_tierslieux_2019/CGET_TiersLieux_2019.csv", 1512),
    ("france_services", "anct_france_services_2024/liste-fs-20240801.csv", 2845),
])
def test_every_inventory_place_and_france_services_site_placed_or_reported(real, source, file, n_expected):
    con, data = real
    n_file = len(_csv(data / file))
    by_method = dict(_all(con, "select coalesce(placement_method, 'non placé'), count(*) from marts.dim_place_source "
                               "where source_name = ? group by 1", [source]))
    print(f"\n{source} : {n_file} lignes ; par méthode : {dict(sorted(by_method.items()))}")
    assert n_file == n_expected == sum(by_method.values())
    # placed rows are in a commune of the 2022 COG, unplaced ones are reported with a reason
    assert _all(con, "select count(*) from marts.dim_place_source s left join marts.dim_commune c using (commune_code) "
                     "where s.source_name = ? and s.placement_method is not null and c.commune_code is null",
                [source]) == [(0,)]
    reported = _all(con, "select place_id, unplaced_reason from marts.quality_unplaced_places where source_name = ?",
                    [source])
    assert len(reported) == by_method.get("non placé", 0)
    assert all(reason and len(reason) > 20 for _, reason in reported)
    for pid, reason in reported[:3]:
        print(f"  non placé : {pid} — {reason}")
    rows, placed, unplaced, share = con.execute(
        "select rows, placed, unplaced, share_placed from marts.quality_placement_by_source where source_name = ?",
        [source]).fetchone()
    assert (rows, placed + unplaced, unplaced) == (n_file, n_file, len(reported)) and share > 0.99


def test_a_place_under_a_merged_code_counts_in_the_commune_nouvelle(real):
    con, data = real
    etalab = json.loads((data / "etalab_decoupage_administratif/communes.json").read_text(encoding="utf-8"))
    new_of = {old: c["code"] for c in etalab if c["type"] == "commune-actuelle" for old in c.get("anciensCodes", [])}
    # 85217 (Saint-Hilaire-de-Loulay) merged into Montaigu-Vendée (85146) in 2019; the 2019 inventory still
    # publishes the old code for the tiers-lieu « zBis ».
    inv = {r["ID"]: r for r in _csv(data / "cget_tierslieux_2019/CGET_TiersLieux_2019.csv")}
    assert inv["1223"]["INSEECOM"] == "85217" and new_of["85217"] == "85146"
    assert _all(con, "select commune_code, commune_name from marts.dim_place where place_id = 'TL2019-1223'") == \
        [("85146", "Montaigu-Vendée")]
    n_montaigu = con.execute("select n_tiers_lieux from marts.fct_coverage_territory "
                             "where territory_level = 'commune' and territory_code = '85146'").fetchone()[0]
    assert n_montaigu >= 1
    # A code that exists in no row of the 2022 COG (not even as commune déléguée) and that only Etalab's
    # anciensCodes knows: 19092 (Le Jardin), in the 2019 legal populations, counted in 19143.
    cog_codes = {r["COM"] for r in _csv(data / "insee_cog/commune_2022.csv")}
    assert "19092" not in cog_codes and new_of["19092"] == "19143"
    assert _all(con, "select commune_code, method from marts.dim_commune_code_history where old_code = '19092'") == \
        [("19143", "ancien_code_fusionne")]
    pops = {(r["CODDEP"] + r["CODCOM"]): int(r["PMUN"]) for r in _csv(data / "insee_cog/donnees_communes.csv", ";")}
    assert con.execute("select population from marts.dim_commune where commune_code = '19143'").fetchone()[0] == \
        pops["19143"] + pops["19092"]
    # every anciensCodes code that is not a commune of 2022 leads to a commune of 2022 (or is reported)
    com = {r["COM"] for r in _csv(data / "insee_cog/commune_2022.csv") if r["TYPECOM"] == "COM"}
    history = dict(_all(con, "select old_code, commune_code from marts.dim_commune_code_history"))
    olds = {o for o, n in new_of.items() if o not in com and n in com}
    print(f"\nAnciens codes (Etalab) hors COG 2022 dont la commune nouvelle est au COG 2022 : {len(olds)}")
    assert all(history.get(o) in com for o in olds)


KNOWN_PAIRS = [   # (record of the inventory, record of another source): the same real place, checked by hand
    ("TL2019-1400", "LAUREAT-fabt-24"),     # PiNG, Nantes (Fabrique de territoire « PiNG »)
    ("TL2019-1403", "LAUREAT-fabt-130"),    # Pangloss Labs Ferney-Voltaire / Pangloss Labs
    ("TL2019-1179", "LAUREAT-fabt-117"),    # La Fabulerie, Marseille
    ("TL2019-954", "CNFS-752"),             # MDE Convergence Entrepreneurs, Aubervilliers (same address)
]
KNOWN_SAME_PLACE_FS = [   # an inventory tiers-lieu hosting a France Services (two rows, one real place)
    ("TL2019-433", "FS-222"),               # Brenne Box / France services Brenne Box
    ("TL2019-45", "FS-158"),                # Pimms Portes de Provence / France services Pimms Médiation ...
]
KNOWN_NON_PAIRS = [   # same commune, different places
    ("TL2019-1147", "LAUREAT-fabt-117"),    # Fablab Marseille / La Fabulerie
    ("TL2019-595", "LAUREAT-manuprox-2-110"),  # Super Belleville / La Villa Belleville (Paris)
    ("TL2019-1395", "LAUREAT-manuprox-2-100"),  # L'atelier de René / Atelier d'Insertion Textile (Paris)
    ("TL2019-1286", "FS-958"),              # Fablab du Clunisois / France services Clunisois: 490 m apart
]


def test_cross_source_matching_known_pairs_and_non_pairs(real):
    con, _ = real
    n_fs, n_lau, n_cnfs = con.execute("""
        select count(distinct source_id_a) filter (where source_name_b = 'france_services'),
               count(distinct source_id_a) filter (where source_name_b = 'programme_laureates'),
               count(distinct source_id_a) filter (where source_name_b = 'conseillers_numeriques')
        from marts.quality_place_duplicates
        where source_name_a = 'tierslieux_2019' and decision = 'match'""").fetchone()
    outcomes = dict(_all(con, "select outcome, count(*) from marts.quality_place_duplicates group by 1"))
    to_review = con.execute("select count(*) from marts.quality_place_duplicates where decision = 'a_verifier'"
                            ).fetchone()[0]
    print(f"\nLieux de l'inventaire 2019 appariés : à une France Services {n_fs}, à un lauréat (Fabriques de "
          f"territoire, Manufactures de proximité) {n_lau}, à une structure de conseillers numériques {n_cnfs} ; "
          f"paires à vérifier : {to_review} ; issues : {outcomes}")
    assert n_fs >= 2 and n_lau >= 20

    place_of = dict(_all(con, "select source_record_id, coalesce(place_id, real_place_id) from marts.dim_place_source"))
    real_of = dict(_all(con, "select source_record_id, real_place_id from marts.dim_place_source"))
    for a, b in KNOWN_PAIRS:
        assert place_of[a] == place_of[b] == a, (a, b)
        ids = con.execute("select source_ids from marts.dim_place where place_id = ?", [a]).fetchone()[0]
        assert a in ids and b in ids
    for a, b in KNOWN_SAME_PLACE_FS:
        assert place_of[a] == a and place_of[b] == b and real_of[a] == real_of[b] == f"LIEU-{a}", (a, b)
    for a, b in KNOWN_NON_PAIRS:
        assert place_of[a] != place_of[b] and real_of[a] != real_of[b], (a, b)
    # laureates are matched on name + commune only (their files give the commune centroid, no address)
    assert _all(con, "select count(*) from marts.quality_place_duplicates where source_name_b = "
                     "'programme_laureates' and (address_score is not null or distance_km is not null)") == [(0,)]


def test_never_across_communes_never_within_a_source(real):
    con, _ = real
    assert _all(con, """
        select count(*) from marts.quality_place_duplicates d
        join marts.dim_place_source a on a.source_record_id = d.source_id_a
        join marts.dim_place_source b on b.source_record_id = d.source_id_b
        where a.commune_code <> b.commune_code or d.source_name_a = d.source_name_b""") == [(0,)]
    assert _all(con, "select count(*) from (select place_id, source_name from marts.dim_place_source "
                     "where place_id is not null group by all having count(*) > 1)") == [(0,)]
    assert _all(con, "select count(*) from (select k.real_place_id, k.source_name from marts.dim_place_source k "
                     "where k.real_place_id is not null group by all having count(*) > 1)") == [(0,)]
    n_placed, n_in_real = con.execute(
        "select (select count(*) from marts.dim_place_source where placement_method is not null), "
        "(select sum(n_source_records) from marts.dim_real_place)").fetchone()
    assert n_placed == n_in_real
    # the records counted in dim_place are exactly those dim_place lists
    n_records, n_in_places = con.execute(
        "select (select count(*) from marts.dim_place_source where place_id is not null), "
        "(select sum(n_source_records) from marts.dim_place)").fetchone()
    assert n_records == n_in_places


def test_quality_placement_by_source_covers_every_source(real):
    con, _ = real
    rows = _all(con, "select source_name, rows, placed, unplaced, share_placed from marts.quality_placement_by_source "
                     "order by source_name")
    print("\nPart des lignes placées dans une commune du COG, par source :")
    for r in rows:
        print(f"  {r[0]:<30} {r[1]:>7} lignes, {r[2]:>7} placées, {r[3]:>5} non placées ({r[4]:.2%})")
    names = {r[0] for r in rows}
    assert {"populations", "grille_densite", "typologie_ruralite", "communes_etalab", "epci_etalab",
            "tierslieux_2019", "france_services", "programme_laureates",
            "conseillers_numeriques"} <= names
    assert all(r[1] == r[2] + r[3] for r in rows)
    n_unplaced = con.execute("select count(*) from marts.quality_unplaced_rows").fetchone()[0]
    assert n_unplaced == sum(r[3] for r in rows)
