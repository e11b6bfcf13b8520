"""Programme laureate lists: the ANCT Petites villes de demain layout (commune codes inside a ``liste_geo`` text),
one label per commune of a convention, programmes without a list or an amount rule "non disponible" (null, never
0), and one figure per programme wherever it appears (the conseillers numériques funding of the territory marts
and of the funder mart agree, the structures without a commune in a line « non localisé »)."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from ingest.demo import layout
from ingest.errors import ContractError
from ingest.fetch import fetch
from ingest.load import load_source
from tests.test_indicators import dbt, write_tiny_mirror

# Features of anct-carto/superposeur-anct data/geom/geojsonV2/pvd_geom.geojson (commit 5c5ffe30), as published
# (the real layout: no code column, the code between brackets in liste_geo, Point geometry), and:
#  - pvd-11-96-1 and pvd-11-96-2: the same layout on the tiny territory's communes, the first one a convention
#    covering two communes packed in one liste_geo ("Alpha (96001), Gamma (96003)"), the second one with ";";
#  - pvd-03-973-1 with its code damaged (letter O for zero) and pvd-93-05-99 without any code: rejected.
REAL_FEATURES = [
    ("pvd-01-971-1", "Bouillante", "2021-05-28", "Bouillante (97106)", -61.754143027145091, 16.143720684734344),
    ("pvd-94-2A-1", "Bonifacio", "2021-03-30", "Bonifacio (2A041)", 9.183487179362677, 41.435719697830848),
    ("pvd-94-2B-2", "Corte", "2021-04-26", "Corte (2B096)", 9.082600374804128, 42.270175827296541),
    ("pvd-52-72-25", "St Cosme en Vairais", "", "Saint-Cosme-en-Vairais (72276)", 0.458799600202955,
     48.274532662556709),
    ("pvd-11-96-1", "Alpha et Gamma", "2021-06-22", "Alpha (96001), Gamma (96003)", 3.0, 45.0),
    ("pvd-11-96-2", "Beta et Delta", "2021-06-23", "Beta (96002); Delta (96004)", 3.0, 45.2),
    ("pvd-03-973-1", "St Georges", "2021-02-24", "Saint-Georges (973O8)", -52.132582114040801, 3.741918070706922),
    ("pvd-93-05-99", "Sans code", "2021-05-11", "Guillestre", 6.701711662618579, 44.668037360659021),
]


def write_pvd(path: Path) -> Path:
    """The features in GDAL's layout, one feature per line, as the ANCT file is written."""
    lines = [json.dumps({"type": "Feature", "properties": {"id_territoire": ref, "lib_territoire": name,
                                                            "date_signature": signed, "liste_geo": liste},
                         "geometry": {"type": "Point", "coordinates": [lon, lat]}}, ensure_ascii=False)
             for ref, name, signed, liste, lon, lat in REAL_FEATURES]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('{\n"type": "FeatureCollection",\n"name": "pvd_geom",\n'
                    '"crs": { "type": "name", "properties": { "name": "urn:ogc:def:crs:OGC:1.3:CRS84" } },\n'
                    '"features": [\n' + ",\n".join(lines) + "\n]\n}\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def pvd_built(tmp_path_factory):
    """The tiny territory and the PVD file loaded by the production loader, then the programme models built by
    dbt (``+dim_programme_label``, the territory marts that count labels, and their tests)."""
    tmp = tmp_path_factory.mktemp("pvd")
    db = tmp / "pvd.duckdb"
    con = duckdb.connect(str(db))
    for source, path in write_tiny_mirror(tmp / "mirror").items():
        load_source(con, source, [fetch(source, str(path), tmp / "snapshots")])
    res = load_source(con, "programme_laureates",
                      [fetch("programme_laureates", str(write_pvd(tmp / "mirror" / "pvd_geom.geojson")),
                             tmp / "snapshots")])
    rejects = con.execute("select * from raw.programme_laureates_rejects").fetchdf()
    con.close()
    proc = dbt("build", "--select", "+dim_programme_label", "+fct_coverage_territory", "+fct_funding_funder_programme",
               "+fct_funding_territory", "--indirect-selection", "cautious", db=db, target=tmp / "target")
    assert proc.returncode == 0, proc.stdout[-4000:]
    con = duckdb.connect(str(db), read_only=True)
    yield con, res, rejects
    con.close()


@pytest.mark.slow  # runs dbt (a build of the programme models and of the marts they feed)
def test_pvd_real_layout_codes_and_rejects(pvd_built):
    con, res, rejects = pvd_built
    # read = loaded + rejected: the two features whose liste_geo holds no readable code are rejected, with a
    # reason naming the column and what it should hold.
    assert (res.rows_read, res.rows_loaded, res.rows_rejected) == (8, 6, 2)
    text = " ".join(str(v) for v in rejects.astype(str).to_numpy().ravel())
    assert "liste_geo" in text and "Nom (code INSEE)" in text
    assert "Saint-Georges (973O8)" in text and "Guillestre" in text
    got = con.execute("select label_id, programme_code, published_commune_code, commune_code, n_communes, "
                      "cast(label_date as varchar) from marts.dim_programme_label order by label_id").fetchall()
    assert got == [
        ("pvd-01-971-1", "petite_ville_demain", "97106", None, 1, "2021-05-28"),       # overseas: a string
        ("pvd-11-96-1-96001", "petite_ville_demain", "96001", "96001", 2, "2021-06-22"),  # one label per commune
        ("pvd-11-96-1-96003", "petite_ville_demain", "96003", "96003", 2, "2021-06-22"),
        ("pvd-11-96-2-96002", "petite_ville_demain", "96002", "96002", 2, "2021-06-23"),
        ("pvd-11-96-2-96004", "petite_ville_demain", "96004", "96004", 2, "2021-06-23"),
        ("pvd-52-72-25", "petite_ville_demain", "72276", None, 1, None),                # date published empty
        ("pvd-94-2A-1", "petite_ville_demain", "2A041", None, 1, "2021-03-30"),        # Corsican codes kept
        ("pvd-94-2B-2", "petite_ville_demain", "2B096", None, 1, "2021-04-26"),
    ]
    # The convention's point is one of its communes (Alpha's): each label of it takes its own commune's centre.
    assert con.execute("select latitude, longitude from marts.dim_programme_label where label_id = 'pvd-11-96-1-96003'"
                       ).fetchone() == (45.5, 3.0)
    # The commune's name is read from liste_geo too; the staging keeps one row per convention and commune.
    assert con.execute("select record_id, published_commune_name from staging.stg_programme_laureates "
                       "where project_ref = 'pvd-11-96-2' order by 1").fetchall() == [
        ("LAUREAT-pvd-11-96-2-96002", "Beta"), ("LAUREAT-pvd-11-96-2-96004", "Delta")]


@pytest.mark.slow  # runs dbt (see pvd_built)
def test_pvd_communes_are_labels_not_places_and_absent_lists_are_null(pvd_built):
    con = pvd_built[0]
    # A commune lauréate is not a facility: not in dim_place, not an access target.
    assert con.execute("select count(*) from marts.dim_place where place_family = 'laureat_programme'").fetchone() == (0,)
    by_epci = dict(con.execute("select territory_code, n_label_petite_ville_demain from marts.fct_coverage_territory "
                               "where territory_level = 'epci'").fetchall())
    assert by_epci == {"200000001": 3, "200000002": 1, "200000003": 0}
    # No Campus connectés / Micro-Folies / Fabriques list loaded, no Fabrique de territoire here: "non disponible"
    # (null), not 0; the same for the amount of a programme without a published amount rule.
    row = con.execute("select n_label_campus_connecte, n_label_micro_folie, n_label_fabrique_numerique, "
                      "n_label_fabrique_territoire from marts.fct_coverage_territory "
                      "where territory_level = 'national'").fetchone()
    assert row == (None, None, None, None)
    assert con.execute("select estimated_petite_ville_demain_eur, estimated_campus_connecte_eur, "
                       "estimated_france_services_eur from marts.fct_funding_territory "
                       "where territory_level = 'epci' and territory_code = '200000002'").fetchone() == (None, None, 0.0)
    assert con.execute("select n_items, amount_eur, placement from marts.fct_funding_funder_programme "
                       "where programme_code = 'petite_ville_demain' order by placement").fetchall() == [
        (4, None, "localise"), (4, None, "non_localise")]


def _one_figure_per_programme(con) -> dict[str, tuple]:
    """Per programme: (total of the items, total of the territory marts' national row, the « non localisé »
    line) and checks that the funder mart's « localisé » line is the territory marts' national figure."""
    progs = [r[0] for r in con.execute("select distinct programme_code from marts.fct_programme_funding_place")
             .fetchall()]
    out = {}
    for prog in progs:
        total, unplaced = con.execute(
            "select sum(estimated_central_eur), sum(estimated_central_eur) filter (where commune_code is null) "
            "from marts.fct_programme_funding_place where programme_code = ?", [prog]).fetchone()
        lines = dict(con.execute("select placement, sum(amount_eur) from marts.fct_funding_funder_programme "
                                 "where basis = 'estimation_programme' and programme_code = ? group by 1",
                                 [prog]).fetchall())
        national = con.execute(f"select estimated_{prog}_eur from marts.fct_funding_territory "
                               "where territory_level = 'national'").fetchone()[0]
        if total is not None:
            assert lines.get("localise") == pytest.approx(national), prog
            assert (lines.get("localise") or 0) + (lines.get("non_localise") or 0) == pytest.approx(total), prog
        assert lines.get("non_localise") == (pytest.approx(unplaced) if unplaced is not None else None), prog
        out[prog] = (total, national, lines.get("non_localise"))
    return out


def test_demo_pvd_per_epci_equals_the_truth(demo_warehouse, demo_mirror):
    truth = demo_mirror[1]["referential"]
    got = dict(demo_warehouse.execute("select territory_code, n_label_petite_ville_demain "
                                      "from marts.fct_coverage_territory where territory_level = 'epci' "
                                      "and n_label_petite_ville_demain > 0").fetchall())
    assert got == truth["pvd_by_epci"] and sum(got.values()) == len(truth["pvd_labels"])
    labels = dict(demo_warehouse.execute("select label_id, commune_code from marts.dim_programme_label "
                                         "where programme_code = 'petite_ville_demain'").fetchall())
    assert labels == truth["pvd_labels"]
    assert len(truth["pvd_pair"]) == 2          # the convention of two communes: two labels
    assert demo_warehouse.execute("select count(*) from marts.dim_place where place_id like 'LAUREAT-pvd-%'"
                                  ).fetchone() == (0,)


def test_demo_one_conseillers_numeriques_figure(demo_warehouse, demo_mirror):
    """The territory marts and the funder mart agree: the structures published without a usable commune code
    are the « non localisé » line, computed here from the published cnfs.json."""
    mirror = demo_mirror[0]
    cnfs = json.loads((mirror / layout.CNFS).read_text(encoding="utf-8"))
    key = "investissement_financier_estimatif_total_de_l.etat"
    total = sum(float(r[key]) for r in cnfs)
    unplaced = sum(float(r[key]) for r in cnfs if not str(r.get("insee_com") or "").strip())
    assert unplaced > 0                        # the demo publishes host structures without a commune code
    figures = _one_figure_per_programme(demo_warehouse)
    assert figures["conseiller_numerique"] == (pytest.approx(total), pytest.approx(total - unplaced),
                                               pytest.approx(unplaced))


# The older Petites villes de demain file of anct-carto/superposeur-anct, data/geom/geojson/pvd_geom.geojson
# (commit 8bf803a0cb25665acb7412f29aa31230d63b7017): one feature per commune, the convention in id_pvd, the
# commune code in insee_com, no id_territoire nor liste_geo; features as published (Valserhône, Nantua whose
# number skips, Saint-Georges with an empty date_signature, Bouillante, Les Avirons), and damaged copies: a code
# that lost its zero in a spreadsheet, an empty code (rejected: this layout has no liste_geo to read it from).
OLD_PVD = [
    ("01033", "Valserhône", "pvd-84-01-1", "2021-03-12", "FR", 16434, "01", "84", "240100891", 5.796751118709773,
     46.124066507073991),
    ("01269", "Nantua", "pvd-84-01-24", "2021-06-01", "FR", 3453, "01", "84", "200042935", 5.613017691085362,
     46.153868146514817),
    ("97308", "Saint-Georges", "pvd-03-973-1", "", "GF", 4303, "973", "03", "249730052", -52.132582114040801,
     3.741918070706922),
    ("97106", "Bouillante", "pvd-01-971-1", "2021-05-28", "GP", 6760, "971", "01", "249710070",
     -61.754143027145091, 16.143720684734344),
    ("97401", "Les Avirons", "pvd-04-974-1", "2022-04-08", "RE", 11470, "974", "04", "249740077", 55.358656053907168,
     -21.209753099837656),
    ("1034", "Belley", "pvd-84-01-2", "2021-04-22", "FR", 9207, "01", "84", "200040350", 5.683930544692068,
     45.74994446018389),
    ("", "Gex", "pvd-84-01-7", "2021-07-01", "FR", 13177, "01", "84", "240100750", 6.046814453855585,
     46.346861357998478),
]


def write_old_pvd(path: Path, rows=OLD_PVD) -> Path:
    lines = [json.dumps({"type": "Feature", "properties": {
        "insee_com": com, "lib_com.x": name, "id_pvd": ref, "date_signature": signed, "lib_com.y": name,
        "lib_com_carto": name, "iso_territoire_2": iso, "pop": pop, "insee_dep": dep, "insee_reg": reg,
        "siren_epci": epci}, "geometry": {"type": "Point", "coordinates": [lon, lat]}}, ensure_ascii=False)
        for com, name, ref, signed, iso, pop, dep, reg, epci, lon, lat in rows]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('{\n"type": "FeatureCollection",\n"name": "pvd_geom",\n'
                    '"crs": { "type": "name", "properties": { "name": "urn:ogc:def:crs:OGC:1.3:CRS84" } },\n'
                    '"features": [\n' + ",\n".join(lines) + "\n]\n}\n", encoding="utf-8")
    return path


def test_old_pvd_layout_is_read_as_a_vintage(tmp_path):
    con = duckdb.connect()
    res = load_source(con, "programme_laureates",
                      [fetch("programme_laureates", str(write_old_pvd(tmp_path / "pvd_geom.geojson")),
                             tmp_path / "snapshots")])
    assert (res.rows_read, res.rows_loaded, res.rows_rejected) == (7, 5, 2)
    assert res.files[0].vintage == "Petites villes de demain, fichier d'origine (id_pvd, insee_com)"
    assert con.execute("select id_territoire, id_geo, lib_geo, date_signature, liste_geo, _vintage "
                       "from raw.programme_laureates order by _row").fetchall() == [
        ("pvd-84-01-1", "01033", "Valserhône", "2021-03-12", None, res.files[0].vintage),
        ("pvd-84-01-24", "01269", "Nantua", "2021-06-01", None, res.files[0].vintage),
        ("pvd-03-973-1", "97308", "Saint-Georges", None, None, res.files[0].vintage),
        ("pvd-01-971-1", "97106", "Bouillante", "2021-05-28", None, res.files[0].vintage),
        ("pvd-04-974-1", "97401", "Les Avirons", "2022-04-08", None, res.files[0].vintage)]
    reasons = [r[0] for r in con.execute("select reason from raw.programme_laureates_rejects order by _row").fetchall()]
    assert len(reasons) == 2
    # (the reasons name the column by its canonical name, id_geo, as for every source; the record keeps insee_com)
    assert reasons[0] == "pvd_geom.geojson, ligne 11 : colonne « id_geo » (code commune INSEE) : valeur « 1034 » invalide"
    assert reasons[1] == "pvd_geom.geojson, ligne 12 : colonne « id_geo » (code commune INSEE) : valeur manquante"


def test_today_layout_still_needs_its_liste_geo_and_the_old_one_its_code_column(tmp_path):
    """A file of neither layout is refused whole, naming what is missing and what to do."""
    no_liste = tmp_path / "a" / "pvd_geom.geojson"
    no_liste.parent.mkdir()
    no_liste.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"id_territoire": "pvd-01-971-1", "lib_territoire": "Bouillante"},
         "geometry": {"type": "Point", "coordinates": [-61.75, 16.14]}}]}), encoding="utf-8")
    no_code = tmp_path / "b" / "pvd_geom.geojson"
    no_code.parent.mkdir()
    no_code.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"id_pvd": "pvd-84-01-1", "lib_com.x": "Valserhône"},
         "geometry": {"type": "Point", "coordinates": [5.79, 46.12]}}]}), encoding="utf-8")
    for path, missing in ((no_liste, "« liste_geo »"), (no_code, "« id_geo »")):
        with pytest.raises(ContractError) as err:
            load_source(duckdb.connect(), "programme_laureates",
                        [fetch("programme_laureates", str(path), tmp_path / "snapshots")])
        assert missing in str(err.value) and "pvd_geom.geojson" in str(err.value)
        assert "Rien n'a été chargé" in str(err.value)
