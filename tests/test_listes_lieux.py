"""Lists of places loaded through a mapping file (source listes_lieux, ingest/listes_lieux.py).

* Acceptance (issue 23): a regional list in a layout the product has never seen (no header, postcodes that
  lost their zero, rows with only an address, postcode and commune name, rows with only coordinates, a row
  that cannot be placed, a damaged row) loads with a mapping file written by the test: every row is placed,
  with the expected method, or reported; the place the list shares with the 2019 inventory is recognised by
  the existing matching. Tiny territory of tests/test_indicators.py, real loader, real dbt build.
* A file the mapping does not fit is refused whole with a French message naming the file, the mapping and
  the column (a header name absent, a position beyond the file's columns, no mapping at all).
* The demo's regional list (ingest/demo/listes.py) is placed, matched and accounted for as the generator's
  truth says (shared demo refresh).
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from ingest.errors import ContractError
from ingest.fetch import fetch
from ingest.listes_lieux import load
from ingest.load import load_source
from tests.test_indicators import dbt, write_tiny_mirror

# The tiny territory's communes get postcodes of a département that starts with a zero: Alpha and Beta share
# 09100, Gamma alone has 09200, Delta 09300, Epsilon 08100 (raw.communes_etalab, codesPostaux).
POSTCODES = {"96001": "09100", "96002": "09100", "96003": "09200", "96004": "09300", "98001": "08100"}
NAMES = {"96001": "Alpha", "96002": "Beta", "96003": "Gamma", "96004": "Delta", "98001": "Epsilon"}

# Headerless, tab-separated, Windows-1252; columns: reference, name, address, postcode (4 digits: the zero
# was lost), commune name, latitude, longitude, status, SIRET.
LIST_ROWS = [
    ["R1", "Lieu Un", "", "9100", "ALPHA", "", "", "Ouvert", ""],                    # postcode shared: the name
    ["R2", "Atelier Gamma", "3 rue Haute", "9200", "Gamma", "", "", "en projet", ""],  # postcode of one commune
    ["R3", "Fablab des Champs", "", "", "", "45,0001", "3,2001", "OUVERT", ""],        # coordinates only (Delta)
    ["R4", "Tiers-lieu perdu", "", "9999", "Nulle-Part", "", "", "ouvert", ""],        # unknown postcode, no coords
    ["R5", "Ligne coupée"],                                                          # damaged: 2 fields of 9
    ["R6", "Coworking du Bourg", "1 place de l'Église", "9100", "Béta", "", "", "fermé", ""],  # accents ignored
    ["R7", "Pépinière de la CCI", "BP 212", "9301", "DELTA CEDEX 1", "", "", "ouvert", ""],  # CEDEX: no commune's code
]
MAPPING = """name = "Réseau régional de test"
date = "2025-06"
header = false

[columns]
identifiant = 1
nom_lieu = 2
adresse = 3
code_postal = 4
commune = 5
latitude = 6
longitude = 7
statut = 8
siret = 9

[status]
ouvert = ["ouvert"]
projet = ["en projet"]
ferme = ["fermé"]
"""
RID = "LISTE-reseau_test-"


def write_list(folder: Path, rows=LIST_ROWS, mapping: str = MAPPING, name: str = "reseau_test") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.txt"
    path.write_bytes(("\r\n".join("\t".join(r) for r in rows) + "\r\n").encode("cp1252"))
    (folder / f"{name}.toml").write_text(mapping, encoding="utf-8")   # the mapping beside the file
    return path


def _load_list(con, path: Path, snapshots: Path):
    return load(con, [fetch("listes_lieux", str(path), snapshots)])


# ---------------------------------------------------------------------------------------------- loader

def test_headerless_list_loads_through_its_mapping(tmp_path):
    con = duckdb.connect()
    res = _load_list(con, write_list(tmp_path / "in"), tmp_path / "snap")
    f = res.files[0]
    assert (res.rows_read, res.rows_loaded, res.rows_rejected) == (7, 6, 1)
    assert (f.encoding, f.separator, f.vintage) == ("cp1252", "\t", "2025-06")
    rows = con.execute("select identifiant, nom_lieu, code_postal, commune, latitude, statut, statut_code, liste "
                       "from raw.listes_lieux order by _row").fetchall()
    assert rows == [
        ("R1", "Lieu Un", "09100", "ALPHA", None, "Ouvert", "ouvert", "Réseau régional de test"),
        ("R2", "Atelier Gamma", "09200", "Gamma", None, "en projet", "projet", "Réseau régional de test"),
        ("R3", "Fablab des Champs", None, None, "45,0001", "OUVERT", "ouvert", "Réseau régional de test"),
        ("R4", "Tiers-lieu perdu", "09999", "Nulle-Part", None, "ouvert", "ouvert", "Réseau régional de test"),
        ("R6", "Coworking du Bourg", "09100", "Béta", None, "fermé", "ferme", "Réseau régional de test"),
        ("R7", "Pépinière de la CCI", "09301", "DELTA CEDEX 1", None, "ouvert", "ouvert", "Réseau régional de test"),
    ]
    assert con.execute("select reason from raw.listes_lieux_rejects").fetchall() == [
        ("reseau_test.txt, ligne 5 : nombre de champs incorrect : 2 au lieu de 9 (ligne abîmée ou séparateur en trop)",)]
    # every restored zero is in the per-field report, with the published and the retained value
    report = con.execute("select line, column_name, original_value, retained_value, rule from raw._field_report "
                         "where retained_value is not null order by line").fetchall()
    assert report == [(line, "colonne 4", pc, "0" + pc, "code postal de 4 chiffres : zéro initial rendu")
                      for line, pc in ((1, "9100"), (2, "9200"), (4, "9999"), (6, "9100"), (7, "9301"))]
    manifest = con.execute("select rows_read, rows_loaded, rows_rejected, vintage, corrections "
                           "from raw._manifest where source = 'listes_lieux'").fetchall()
    assert manifest == [(7, 6, 1, "2025-06", 5)]


def test_unknown_status_is_reported_not_guessed(tmp_path):
    con = duckdb.connect()
    rows = [["R1", "Lieu Un", "", "9100", "Alpha", "", "", "en sommeil", ""]]
    res = _load_list(con, write_list(tmp_path / "in", rows), tmp_path / "snap")
    assert con.execute("select statut, statut_code from raw.listes_lieux").fetchall() == [("en sommeil", None)]
    assert res.warnings and "« en sommeil »" in res.warnings[0]


def test_header_mapping_names_an_absent_column_refused_whole(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    path = folder / "liste_reseau.csv"
    path.write_text("Nom;CP;Ville\nLieu Un;96000;Alpha\n", encoding="utf-8")
    (folder / "liste_reseau.toml").write_text(
        'name = "Réseau"\ndate = "2025"\n[columns]\nnom_lieu = "Nom"\ncode_postal = "CP"\n'
        'adresse = "Adresse postale"\n', encoding="utf-8")
    con = duckdb.connect()
    with pytest.raises(ContractError) as exc:
        _load_list(con, path, tmp_path / "snap")
    msg = str(exc.value)
    assert "liste_reseau.csv" in msg and "liste_reseau.toml" in msg and "« Adresse postale »" in msg
    assert "absente de la ligne d'en-tête" in msg and "refusé en entier" in msg and "Nom, CP, Ville" in msg
    assert con.execute("select count(*) from information_schema.tables where table_name = 'listes_lieux'"
                       ).fetchone() == (0,)   # nothing loaded


def test_position_beyond_the_file_refused_whole(tmp_path):
    mapping = MAPPING.replace("siret = 9", "siret = 12")
    path = write_list(tmp_path / "in", mapping=mapping)
    with pytest.raises(ContractError) as exc:
        _load_list(duckdb.connect(), path, tmp_path / "snap")
    msg = str(exc.value)
    assert "reseau_test.txt" in msg and "reseau_test.toml" in msg and "colonne n° 12" in msg
    assert "n'a que 9 colonne(s)" in msg and "refusé en entier" in msg


def test_file_without_mapping_refused_whole(tmp_path):
    path = tmp_path / "orpheline.csv"
    path.write_text("nom;cp\nLieu;96000\n", encoding="utf-8")
    with pytest.raises(ContractError) as exc:
        load(duckdb.connect(), [fetch("listes_lieux", str(path), tmp_path / "snap")], mappings_dir=tmp_path)
    assert "aucune correspondance pour le fichier orpheline.csv" in str(exc.value)


def test_mapping_errors_name_the_mapping(tmp_path):
    path = write_list(tmp_path / "in", mapping=MAPPING.replace("nom_lieu = 2", "nom = 2"))
    with pytest.raises(ContractError) as exc:
        _load_list(duckdb.connect(), path, tmp_path / "snap")
    assert "correspondance reseau_test.toml : champ « nom » inconnu" in str(exc.value)


def test_blank_list_of_the_deployments_loads_empty(tmp_path):
    """production and shared-data read the blank list (header only): the source is empty and says why."""
    from ingest.config import PROJECT_ROOT
    from ingest.sources import OPTIONAL_SOURCES, SOURCES

    con = duckdb.connect()
    for deployment in ("production", "shared-data"):
        (location,) = SOURCES["listes_lieux"].locations[deployment]
        res = load(con, [fetch("listes_lieux", str(PROJECT_ROOT / location), tmp_path / "snap")])
        assert (res.rows_read, res.rows_loaded) == (0, 0)
    assert "aucune liste de lieux déclarée" in OPTIONAL_SOURCES["listes_lieux"]


# ---------------------------------------------------------------------------------------------- acceptance

@pytest.fixture(scope="module")
def tiny_with_list(tmp_path_factory):
    """The tiny territory (tests/test_indicators.py) with Etalab postcodes and the regional list, loaded by the
    production loaders and built by dbt (the placement and matching marts, their tests included)."""
    tmp = tmp_path_factory.mktemp("tiny_list")
    db = tmp / "tiny.duckdb"
    con = duckdb.connect(str(db))
    for source, path in write_tiny_mirror(tmp / "mirror").items():
        load_source(con, source, [fetch(source, str(path), tmp / "snapshots")])
    etalab = tmp / "mirror" / "communes.json"
    etalab.write_text(json.dumps([{"code": c, "nom": NAMES[c], "type": "commune-actuelle", "departement": c[:2],
                                   "codesPostaux": [pc]} for c, pc in POSTCODES.items()]), encoding="utf-8")
    load_source(con, "communes_etalab", [fetch("communes_etalab", str(etalab), tmp / "snapshots")])
    res = load(con, [fetch("listes_lieux", str(write_list(tmp / "listes")), tmp / "snapshots")])
    con.close()
    target = tmp / "target"
    proc = dbt("build", "--select", "+dim_place_source", "+quality_unplaced_places", "+quality_place_placement",
               "+dim_real_place", "--indirect-selection", "cautious", db=db, target=target)
    assert proc.returncode == 0, proc.stdout[-4000:]
    con = duckdb.connect(str(db), read_only=True)
    yield con, res
    con.close()



@pytest.mark.slow   # a dbt build of the tiny territory with the list
def test_every_row_of_the_list_is_placed_or_reported(tiny_with_list):
    con, res = tiny_with_list
    placed = {r[0]: r[1:] for r in con.execute(
        "select source_record_id, commune_code, placement_method from marts.dim_place_source "
        "where source_name = 'listes_lieux'").fetchall()}
    assert placed == {
        RID + "R1": ("96001", "code_postal_nom_commune"),
        RID + "R2": ("96003", "code_postal"),
        RID + "R3": ("96004", "coordonnees_commune_la_plus_proche"),
        RID + "R4": (None, None),
        RID + "R6": ("96002", "code_postal_nom_commune"),
        RID + "R7": ("96004", "code_postal_cedex_nom_commune"),   # the only Delta whose postcodes start with 09
    }
    unplaced = con.execute("select place_id, unplaced_reason, source_file, source_row, postcode "
                           "from marts.quality_unplaced_places where source_name = 'listes_lieux'").fetchall()
    assert unplaced == [(RID + "R4", "pas de code commune ; code postal « 09999 » partagé par plusieurs communes ou "
                         "inconnu ; commune « Nulle-Part » absente des communes de ce code postal ; pas de coordonnées",
                         "reseau_test.txt", 4, "09999")]
    # read = placed + unplaced + rejected (the damaged row, in raw.listes_lieux_rejects)
    assert con.execute("select n_rows, n_placed_by_postcode, n_placed_by_postcode_and_name, n_placed_by_cedex_and_name, "
                       "n_placed_by_coordinates, n_unplaced from marts.quality_place_placement "
                       "where source_name = 'listes_lieux'").fetchone() == (6, 1, 2, 1, 1, 1)
    assert res.rows_read == 6 + con.execute("select count(*) from raw.listes_lieux_rejects").fetchone()[0]


@pytest.mark.slow   # a dbt build of the tiny territory with the list
def test_the_place_also_in_the_inventory_is_recognised(tiny_with_list):
    con, _ = tiny_with_list
    links = {r[0]: r[1:] for r in con.execute(
        "select source_record_id, real_place_id, link_method from marts.dim_place_source "
        "where source_name = 'listes_lieux'").fetchall()}
    assert links[RID + "R1"] == ("LIEU-TL2019-1", "score")
    # the others are places of their own (the unplaced one has no real place)
    assert links[RID + "R2"] == ("LIEU-" + RID + "R2", "ancre")
    assert links[RID + "R4"] == (None, "non_place")
    ids, names = con.execute("select source_ids, source_names from marts.dim_real_place "
                             "where real_place_id = 'LIEU-TL2019-1'").fetchone()
    assert ids == ["TL2019-1", RID + "R1"] and set(names) == {"tierslieux_2019", "listes_lieux"}
    # the list's record is counted in the inventory place's row of dim_place; the others are in no row (a place
    # only a list knows is a real place, not a tiers-lieu of the indicators)
    rows = dict(con.execute("select source_record_id, place_id from marts.dim_place_source "
                            "where source_name = 'listes_lieux'").fetchall())
    assert rows == {RID + "R1": "TL2019-1", RID + "R2": None, RID + "R3": None, RID + "R4": None, RID + "R6": None,
                    RID + "R7": None}


# ---------------------------------------------------------------------------------------------- demo

def test_demo_list_is_placed_and_matched_as_the_truth_says(demo_warehouse, demo_mirror):
    t = demo_mirror[1]["listes_lieux"]
    got = {r[0]: r[1:] for r in demo_warehouse.execute(
        "select source_record_id, commune_code, placement_method, real_place_id from marts.dim_place_source "
        "where source_name = 'listes_lieux'").fetchall()}
    assert set(got) == set(t["placements"])
    for record, expected in t["placements"].items():
        assert list(got[record][:2]) == (expected or [None, None]), record
    for record, inventory in t["matches"].items():
        assert got[record][2] == f"LIEU-{inventory}", record
    matched = {r for r, v in got.items() if v[2] is not None and not v[2].startswith("LIEU-LISTE-")}
    assert matched == set(t["matches"])      # no other record of the list is folded into a place
    manifest = demo_warehouse.execute("select rows_read, rows_loaded, rows_rejected from marts.meta_sources "
                                      "where source_name = 'listes_lieux'").fetchone()
    assert manifest == (t["n_rows"], t["n_loaded"], t["n_rejected"])
    status = dict(demo_warehouse.execute("select 'LISTE-reseau_exemple-' || identifiant, statut_code "
                                         "from raw.listes_lieux").fetchall())
    assert status == t["status"]
