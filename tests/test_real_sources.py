"""The real public files of ../shared/data, served by a local HTTP server and ingested through the
production code path (fetch -> snapshot -> contract -> raw), with exact row accounting."""

from __future__ import annotations

import functools
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import duckdb
import pytest

from ingest.fetch import fetch
from ingest.load import load_source


@pytest.fixture
def http_shared(shared_data):
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(shared_data))
    handler.log_message = lambda *a, **k: None
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


# source, path under shared/data, rows read, rows loaded
CASES = [
    ("tierslieux_2019", "cget_tierslieux_2019/CGET_TiersLieux_2019.csv", 1512, 1512),
    ("france_services", "anct_france_services_2024/liste-fs-20240801.csv", 2845, 2845),
    ("cog_communes", "insee_cog/commune_2022.csv", 37600, 37600),
    ("populations", "insee_cog/donnees_communes.csv", 34990, 34990),
    ("mobpro_flows", "mobpro_idf_cartograflow/tab_IDF_mobpro.csv", 7905, 7905),
    ("subventions", "scdl_subventions_toulouse/subventions-toulouse_2023.csv", 551, 551),
    ("communes_geo", "communes_france_2025_sample/communes-france-2025.csv", 483, 483),
]


@pytest.mark.parametrize("source, path, read, loaded", CASES, ids=[c[0] for c in CASES])
def test_real_file_over_http(http_shared, tmp_path, source, path, read, loaded):
    snap = fetch(source, f"{http_shared}/{path}", tmp_path)
    con = duckdb.connect()
    res = load_source(con, source, [snap])
    print(f"{source}: read {res.rows_read}, loaded {res.rows_loaded}, rejected {res.rows_rejected}")
    assert (res.rows_read, res.rows_loaded) == (read, loaded)
    assert res.rows_read == res.rows_loaded + res.rows_rejected
    assert con.execute(f"select count(*) from raw.{source}").fetchone()[0] == loaded


def test_real_values_keep_their_form(http_shared, tmp_path):
    con = duckdb.connect()
    load_source(con, "cog_communes", [fetch("cog_communes", f"{http_shared}/insee_cog/commune_2022.csv", tmp_path)])
    assert con.execute("select LIBELLE, CAN from raw.cog_communes where COM = '01001' and TYPECOM = 'COM'"
                       ).fetchone() == ("L'Abergement-Clémenciat", "0108")
    assert con.execute("select count(*) from raw.cog_communes where TYPECOM = 'COM'").fetchone()[0] == 34955
    load_source(con, "france_services",
                [fetch("france_services", f"{http_shared}/anct_france_services_2024/liste-fs-20240801.csv", tmp_path)])
    counts = dict(con.execute("select type_fs, count(*) from raw.france_services group by 1").fetchall())
    assert counts == {"Principal": 2721, "Antenne": 124}
    # 6 records carry an embedded newline: the record count is not the line count.
    assert con.execute("select max(_line) from raw.france_services").fetchone()[0] > 2846
