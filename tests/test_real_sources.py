"""Every real public file of ../shared/data, served by a local HTTP server and ingested through the
production code path (fetch over HTTP -> immutable snapshot -> reader -> contract -> raw tables), with
exact row accounting per file (read = loaded + rejected) and values checked against what the
publishers wrote. Skipped, with the reason, when ../shared/data is absent."""

from __future__ import annotations

import functools
import json
import threading
import zipfile
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import duckdb
import pytest

from ingest import sources
from ingest.config import PROJECT_ROOT, load_settings
from ingest.fetch import fetch


@pytest.fixture
def http_shared(shared_data, tmp_path):
    """A local HTTP server on ../shared/data, plus a zipped copy of the flows file (as INSEE ships it)."""
    extra = tmp_path / "zipped"
    extra.mkdir()
    with zipfile.ZipFile(extra / "base-flux-mobilite-idf-2014.zip", "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(shared_data / "mobpro_idf_cartograflow/tab_IDF_mobpro.csv", "tab_IDF_mobpro.csv")
        zf.writestr("varmod_mobpro.csv", "COD_VAR;LIB_VAR\nCODGEO;Commune de résidence\n")

    class Handler(SimpleHTTPRequestHandler):
        def translate_path(self, path):
            if path.startswith("/zipped/"):
                return str(extra / Path(path).name)
            return super().translate_path(path)

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(shared_data)))
    # shutdown() below waits for the server's next poll: every 0.05 s instead of 0.5 s
    threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


# source -> [(path under shared/data, rows read, rows loaded, rows rejected)], in load order.
CASES: dict[str, list[tuple[str, int, int, int]]] = {
    "tierslieux_2019": [("cget_tierslieux_2019/CGET_TiersLieux_2019.csv", 1512, 1512, 0)],
    "france_services": [("anct_france_services_2024/liste-fs-20240801.csv", 2845, 2845, 0)],
    "cog_communes": [("insee_cog/commune_2022.csv", 37600, 37600, 0)],
    "populations": [("insee_cog/donnees_communes.csv", 34990, 34990, 0)],
    "mobpro_flows": [("mobpro_idf_cartograflow/tab_IDF_mobpro.csv", 7905, 7905, 0)],
    "communes_idf": [("mobpro_idf_cartograflow/COD_GEO_IDF.csv", 1296, 1296, 0)],
    "mobpro_foreign_codes": [("mobpro_foreign_codes/insee_RP2021_mobpro_border_cities.csv", 4707, 4707, 0)],
    "subventions": [("scdl_subventions_toulouse/subventions-toulouse_2022.csv", 396, 396, 0),
                    ("scdl_subventions_toulouse/subventions-toulouse_2023.csv", 551, 551, 0),
                    ("scdl_subventions_schema_example/exemple.csv", 2, 2, 0)],
    # Two publications of the same referential, each checked for duplicate keys on its own
    # (key_per_file): the datas.fun file publishes one row per postal code (01050 twice...) and COMD
    # rows under their parent's code: 1,232 duplicated keys rejected; the extract has none.
    "communes_geo": [("communes_france_2025_sample/communes-france-2025.csv", 483, 483, 0),
                     ("datasfun_communes_2024/communes.csv", 36208, 34976, 1232)],
    "communes_etalab": [("etalab_decoupage_administratif/communes.json", 37590, 37590, 0)],
    "epci_etalab": [("etalab_decoupage_administratif/epci.json", 1255, 1255, 0)],
    "departements_etalab": [("etalab_decoupage_administratif/departements.json", 109, 109, 0)],
    "regions_etalab": [("etalab_decoupage_administratif/regions.json", 26, 26, 0)],
    "grille_densite": [("anct_grilles/densite.csv", 34875, 34875, 0)],
    "typologie_ruralite": [("anct_grilles/ruralite.csv", 34875, 34875, 0)],
    "epci_centroids": [("anct_grilles/centroide-4326_epci-ept.geojson", 1266, 1266, 0)],
    "programme_laureates": [("anct_programmes/fabt_geom.geojson", 342, 342, 0),
                            ("anct_programmes/manuprox_geom.geojson", 98, 98, 0)],
    "conseillers_numeriques": [("anct_conseillers_numeriques/cnfs.json", 1450, 1450, 0)],
    "occupancy_counts": [("coworking_attendance_la_permanence/attendance.csv", 49990, None, None)],
    "admin_contours": [("ign_admin_express_2018_contours/regions-avec-outre-mer.geojson", 18, 18, 0),
                       ("ign_admin_express_2018_contours/departements-avec-outre-mer.geojson", 101, 101, 0),
                       ("ign_admin_express_2018_contours/communes-19-correze.geojson", 283, 283, 0),
                       ("ign_admin_express_2018_contours/communes-23-creuse.geojson", 258, 258, 0),
                       ("ign_admin_express_2018_contours/communes-54-meurthe-et-moselle.geojson", 592, 592, 0),
                       ("ign_admin_express_2018_contours/communes-59-nord.geojson", 648, 648, 0),
                       ("ign_admin_express_2018_contours/communes-87-haute-vienne.geojson", 200, 200, 0)],
}

# Known values, as the publishers wrote them: (sql, expected result of fetchall()).
VALUES: dict[str, list[tuple[str, list]]] = {
    "tierslieux_2019": [
        ("select count(*) filter (where INSEECOM = '0'), count(*) filter (where CP = '0') from raw.tierslieux_2019",
         [(157, 133)]),
        ("select NOM_TL, CP, INSEECOM, LAT, LONG from raw.tierslieux_2019 where ID = '1'",
         [("ADE Coworking", "44300", "44109", "47.245935", "-1.505602")]),
    ],
    "france_services": [
        ("select type_fs, count(*) from raw.france_services group by 1 order by 1", [("Antenne", 124), ("Principal", 2721)]),
        ("select insee_dep, insee_com, code_postal, latitude from raw.france_services where id_fs = '1'",
         [("01", "01033", "01200", "46.1060711578546")]),
        # 6 records hold an embedded newline: lines run ahead of records.
        ("select max(_row), max(_line) > 2846 from raw.france_services", [(2845, True)]),
    ],
    "cog_communes": [
        ("select LIBELLE, CAN from raw.cog_communes where COM = '01001' and TYPECOM = 'COM'",
         [("L'Abergement-Clémenciat", "0108")]),
        ("select count(*) from raw.cog_communes where TYPECOM = 'COM'", [(34955,)]),
    ],
    "populations": [
        ("select sum(PMUN::bigint) from raw.populations", [(66988403,)]),
        ("select CODDEP, CODCOM, CODARR from raw.populations where COM = 'L''Abergement-Clémenciat'", [("01", "001", "2")]),
    ],
    "mobpro_flows": [
        ("select distinct census_year from raw.mobpro_flows", [("2014",)]),
        ("select L_DCLT from raw.mobpro_flows where CODGEO = '75101' and DCLT = '75102'", [("Paris 2e  Arrondissement",)]),
    ],
    "mobpro_flows_zip": [
        ("select count(*), count(distinct DCLT) from raw.mobpro_flows", [(7905, 356)]),
    ],
    "communes_idf": [
        ("select count(*) filter (where REG is null), max(_line) from raw.communes_idf", [(20, 1297)]),
        ("select COD_GEO, REG from raw.communes_idf where _row = 1", [("75101", "11")]),
    ],
    "mobpro_foreign_codes": [
        ("select code, name from raw.mobpro_foreign_codes where code in ('AL000', 'ZZZZZ') order by code",
         [("AL000", "LEIPZIG"), ("ZZZZZ", "Sans objet ou autre commune étrangère")]),
        ("select count(*) from raw.mobpro_foreign_codes where code like 'MO%'", [(1,)]),
    ],
    "subventions": [
        ("select _file, montant from raw.subventions where nomBeneficiaire = 'L USINE' order by _file",
         [("subventions-toulouse_2022.csv", "220000.0"), ("subventions-toulouse_2023.csv", "220000.0")]),
        # Excel destroyed the SIRETs of the Toulouse files: kept as published, never turned into numbers.
        ("select idAttribuant, idBeneficiaire from raw.subventions where nomBeneficiaire = '3F OCCITANIE SA'",
         [("2,43E+13", "7,17E+13")]),
        ("select idBeneficiaire, nature from raw.subventions where _file = 'exemple.csv' and _row = 1",
         [("81223113200026", "aide en numéraire;aide en nature")]),
    ],
    "communes_geo": [
        ("select nom_standard, latitude_centre, _file from raw.communes_geo where code_insee = '01001'",
         [("L'Abergement-Clémenciat", "46.1517", "communes.csv")]),
        ("select count(*) from raw.communes_geo_rejects where reason like 'communes.csv, ligne %doublon%code_insee = 75116%'",
         [(1,)]),
        # 4 datas.fun rows have no coordinates: 3 loaded with nulls, 1 rejected as a duplicate.
        ("select count(*) from raw.communes_geo where latitude_centre is null", [(3,)]),
        ("select count(*) from raw.communes_geo_rejects where record like '%\"lat\": \"\"%'", [(1,)]),
    ],
    "communes_etalab": [
        ("select type, count(*) from raw.communes_etalab group by 1 order by 1",
         [("arrondissement-municipal", 45), ("commune-actuelle", 34969), ("commune-associee", 471),
          ("commune-deleguee", 2105)]),
        ("select nom, departement, codesPostaux, population from raw.communes_etalab "
         "where code = '01001' and type = 'commune-actuelle'",
         [("L'Abergement-Clémenciat", "01", '["01400"]', "860")]),
        ("select count(*) from raw.communes_etalab where code like '2A%' and type = 'commune-actuelle'", [(124,)]),
    ],
    "epci_etalab": [
        ("select type, count(*) from raw.epci_etalab group by 1 order by 1",
         [("CA", 230), ("CC", 989), ("CU", 14), ("MET69", 1), ("METRO", 21)]),
    ],
    "departements_etalab": [
        ("select code, nom, region, chefLieu from raw.departements_etalab where code in ('01', '2A', '976') order by code",
         [("01", "Ain", "84", "01053"), ("2A", "Corse-du-Sud", "94", "2A004"), ("976", "Mayotte", "06", "97611")]),
    ],
    "regions_etalab": [
        ("select nom from raw.regions_etalab where code = '84'", [("Auvergne-Rhône-Alpes",)]),
    ],
    "grille_densite": [
        ("select count(*) from raw.grille_densite where niveau_densite = 'Rural à habitat dispersé'", [(18288,)]),
        ("select count(*) from raw.grille_densite where niveau_densite = 'Grands centres urbains'", [(699,)]),
        ("select lib_com from raw.grille_densite where insee_com = '01001'", [("L'Abergement-Clémenciat",)]),
    ],
    "typologie_ruralite": [
        # Raw keeps the publisher's leading space; staging trims it.
        ("select niveau_ruralite from raw.typologie_ruralite where insee_com = '01001'",
         [(" Les ruralités résidentielles mixtes",)]),
    ],
    "epci_centroids": [
        ("select type, count(*) from raw.epci_centroids group by 1 order by 1", [("epci", 1255), ("ept", 11)]),
        ("select longitude, latitude from raw.epci_centroids where siren_epci = '200000172'",
         [("6.413498472442365", "46.035944596393357")]),
    ],
    "programme_laureates": [
        ("select _file, count(*) from raw.programme_laureates group by 1 order by 1",
         [("fabt_geom.geojson", 342), ("manuprox_geom.geojson", 98)]),
        ("select id_territoire from raw.programme_laureates where id_geo = '13055' order by _file",
         [("fabt-51; fabt-52; fabt-53; fabt-117; fabt-173; fabt-174; fabt-216",),
          ("manuprox-1-48; manuprox-2-109; manuprox-2-111",)]),
        # One feature has an empty GeometryCollection: no point (null), the row is kept.
        ("select count(*) from raw.programme_laureates where longitude is null and latitude is null", [(1,)]),
    ],
    "admin_contours": [
        ("select level, count(*) from raw.admin_contours group by 1 order by 1",
         [("commune", 1981), ("departement", 101), ("region", 18)]),
        # Coordinates kept as published (5 decimals), geometry as GeoJSON text.
        ("select nom, geometry like '{\"type\":\"%Polygon\",\"coordinates\":[[[%' from raw.admin_contours "
         "where level = 'commune' and code = '54395'", [("Nancy", True)]),
    ],
    "conseillers_numeriques": [
        ("select sum(nb_cnfs::int), count(*) filter (where type = 'publique') from raw.conseillers_numeriques",
         [(2138, 1029)]),
        ("select siret, code_postal, code_postal_bis, latitude, adresse from raw.conseillers_numeriques where id = '1'",
         [("20004293500011", "1100", "01100", "46.2629", "57 RUE RENE NICOD\n01100 OYONNAX")]),
        ("select count(*) from raw.conseillers_numeriques where siret = 'null'", [(5,)]),
        ("select count(*) from raw.conseillers_numeriques where length(code_postal) = 4", [(112,)]),
    ],
}


def _ingest(con, base: str, source: str, paths: list[str], snapshots: Path):
    snaps = [fetch(source, f"{base}/{p}", snapshots, backoff=0.01) for p in paths]
    return sources.load(con, source, snaps)


@pytest.mark.slow   # every real file served, downloaded and loaded (about 13 s)
@pytest.mark.parametrize("source", list(CASES))
def test_real_file_over_http(http_shared, tmp_path, source):
    files = CASES[source]
    if not sources.is_known(source):
        pytest.skip(f"{source}: no contract or custom loader on this branch (owned by another developer)")
    con = duckdb.connect()
    res = _ingest(con, http_shared, source, [f[0] for f in files], tmp_path / "snapshots")
    for f, (path, read, loaded, rejected) in zip(res.files, files):
        print(f"{source}: {path}: read {f.rows_read}, loaded {f.rows_loaded}, rejected {f.rows_rejected}")
        assert f.rows_read == f.rows_loaded + f.rows_rejected
        assert f.rows_read == read
        if loaded is not None:
            assert (f.rows_loaded, f.rows_rejected) == (loaded, rejected)
        assert f.snapshot.location == f"{http_shared}/{path}" and not f.snapshot.stale
    assert con.execute(f'select count(*) from raw."{source}"').fetchone()[0] == res.rows_loaded
    assert con.execute(f'select count(*) from raw."{source}_rejects"').fetchone()[0] == res.rows_rejected
    manifest = con.execute("select file, rows_read, rows_loaded, rows_rejected, sha256, bytes from raw._manifest "
                           "where source = ? order by loaded_at, file", [source]).fetchall()
    assert sorted(m[0] for m in manifest) == sorted(Path(f[0]).name for f in files)
    for file, read, loaded, rejected, sha, size in manifest:
        assert read == loaded + rejected and len(sha) == 64 and size > 0
    # Every value is a string (or null) in raw; lineage columns are the only typed ones.
    types = dict(con.execute(f"select column_name, data_type from information_schema.columns "
                             f"where table_schema = 'raw' and table_name = '{source}'").fetchall())
    assert {c for c, t in types.items() if t != "VARCHAR"} <= {"_row", "_line"}
    for sql, expected in VALUES.get(source, []):
        assert con.execute(sql).fetchall() == expected, sql


def test_zipped_flows_over_http(http_shared, tmp_path):
    """INSEE ships the flows zipped with documentation files: the data member is found and read."""
    con = duckdb.connect()
    res = _ingest(con, http_shared, "mobpro_flows", ["zipped/base-flux-mobilite-idf-2014.zip"], tmp_path / "s")
    f = res.files[0]
    assert (f.rows_read, f.rows_loaded, f.rows_rejected) == (7905, 7905, 0)
    assert (f.format, f.member) == ("zip:csv", "tab_IDF_mobpro.csv")
    for sql, expected in VALUES["mobpro_flows"] + VALUES["mobpro_flows_zip"]:
        assert con.execute(sql).fetchall() == expected, sql
    assert con.execute("select format, member from raw._manifest").fetchall() == [("zip:csv", "tab_IDF_mobpro.csv")]


# Shared files the product does not load yet, with the reason (config/shared-data.toml says it too).
NOT_LOADED = {
    "ign_admin_express_2018_contours/cantons-": "contours IGN des cantons (COG 2018) : le contour d'un canton est la "
                                                "réunion de ses communes du COG chargé (source admin_contours)",
}


def test_every_shared_file_is_covered(shared_data):
    """A file added to ../shared/data must get its case here (and its `shared-data` location in the
    declaration of its source, ingest/sources/<source>.py),
    or be listed in NOT_LOADED with the reason."""
    covered = {p for files in CASES.values() for p, *_ in files}
    present = {str(p.relative_to(shared_data)) for p in shared_data.rglob("*") if p.is_file() and p.name != "SOURCES.md"}
    present = {p for p in present if not p.startswith(tuple(NOT_LOADED))}
    assert present - covered == set()
    assert covered - present == set()


def test_shared_data_config_lists_every_file(shared_data):
    """The `shared-data` deployment (config/shared-data.toml and the declarations' locations) loads every
    shared file under its source, or its configuration says why it is left out."""
    text = (PROJECT_ROOT / "config" / "shared-data.toml").read_text(encoding="utf-8")
    settings = load_settings(PROJECT_ROOT / "config" / "shared-data.toml")
    configured = {(name, str(Path(loc).resolve().relative_to(shared_data.resolve())))
                  for name, src in settings.sources.items() for loc in src.locations
                  if Path(loc).resolve().is_relative_to(shared_data.resolve())}
    for source, files in CASES.items():
        for path, *_ in files:
            assert (source, path) in configured or path in text, (source, path)
    for name, path in configured:
        assert sources.is_known(name) and path in {p for p, *_ in CASES[name]}


def test_json_numbers_keep_their_published_text(http_shared, tmp_path):
    """Numbers of a JSON file reach raw exactly as written, nested values as their JSON text."""
    con = duckdb.connect()
    _ingest(con, http_shared, "epci_etalab", ["etalab_decoupage_administratif/epci.json"], tmp_path / "s")
    membres = con.execute("select membres from raw.epci_etalab where code = '200000172'").fetchone()[0]
    assert membres.startswith('[{"code": "74042", "siren": "217400423", "nom": "Bonneville", '
                              '"populationTotale": 13736, "populationMunicipale": 13320}')
    assert len(json.loads(membres)) == con.execute(
        "select json_array_length(membres) from raw.epci_etalab where code = '200000172'").fetchone()[0]
    total = con.execute("select sum(json_array_length(membres)) from raw.epci_etalab").fetchone()[0]
    assert total > 34000


def test_real_values_keep_their_form(http_shared, tmp_path):
    """Commune 01001 keeps its leading zero in every source that names it."""
    con = duckdb.connect()
    for source in ("cog_communes", "grille_densite", "communes_etalab"):
        _ingest(con, http_shared, source, [CASES[source][0][0]], tmp_path / "s")
    assert con.execute("select count(*) from raw.cog_communes where COM = '01001'").fetchone()[0] == 1
    assert con.execute("select count(*) from raw.grille_densite where insee_com = '01001'").fetchone()[0] == 1
    assert con.execute("select count(*) from raw.communes_etalab where code = '01001'").fetchone()[0] == 1
