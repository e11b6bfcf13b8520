"""Faults of a real local HTTP server, through the production path (fetch -> snapshot -> reader ->
contract -> raw). Each fault ends in a retry, a stale-snapshot run or a French error naming the
source, and never in a partial load: the previous raw tables and manifest stay as they were."""

from __future__ import annotations

import hashlib
import io
import sys
import threading
import time
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import duckdb
import pytest

from ingest.errors import ContractError, FetchError
from ingest.fetch import fetch
from ingest.load import load_source

FS_CSV = ("id_fs,lib_fs,insee_com,latitude,longitude,type_fs\n"
          "1,France services A,01001,46.15,4.93,Principal\n"
          "2,France services B,2A004,41.92,8.73,Antenne\n").encode()
FS_CSV_V2 = FS_CSV + b"3,France services C,97101,16.26,-61.58,Principal\n"
FLOWS = ("CODGEO;LIBGEO;DCLT;L_DCLT;NBFLUX_C20_ACTOCC15P\n"
         "01001;L'Abergement;01004;Ambérieu;12.5\n"
         "01001;L'Abergement;SU004;Genève;3\n").encode()
HTML = b"<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"


def _zip(name: str, data: bytes) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(name, data)
    return buf.getvalue()


# 400 flows zipped: the 2 of FLOWS (the same keys) and 398 others.
FLOWS_400 = FLOWS + "".join(f"01001;L'Abergement;{2001 + i:05d};Ailleurs;{i}\n" for i in range(398)).encode()
FLOWS_ZIP = _zip("base-flux-mobilite-2020.csv", FLOWS_400)


class Handler(BaseHTTPRequestHandler):
    """Serves ``Handler.files``; each request takes the next step of ``Handler.plan`` (default ``ok``)."""

    files: dict[str, bytes] = {}
    plan: list[str] = []
    hits: list[str] = []
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def _send(self, body: bytes, status: int = 200, length: int | None = None, ctype: str = "text/csv"):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body) if length is None else length))
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()

    def do_GET(self):
        step = self.plan.pop(0) if self.plan else "ok"
        self.hits.append(step)
        body = self.files.get(self.path.split("?")[0], b"")
        if step == "500":
            self._send(b"erreur", status=500, ctype="text/plain")
        elif step == "slow":                   # headers arrive after the client's timeout
            time.sleep(1.0)
            self._send(body)
        elif step == "cut":                    # Content-Length promises more than is sent
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
        elif step == "cut_chunked":            # chunked body that stops without its last chunk
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            half = body[: len(body) // 2]
            self.wfile.write(f"{len(half):x}\r\n".encode() + half + b"\r\n")
            self.wfile.flush()
            self.close_connection = True
        elif step == "html":                   # an error page served with 200 instead of the file
            self._send(HTML, ctype="text/html")
        elif step == "empty":
            self._send(b"")
        elif step == "truncated_zip":          # a complete answer carrying half an archive
            self._send(body[: len(body) // 2], ctype="application/zip")
        else:
            self._send(body)


@pytest.fixture
def server():
    Handler.files = {"/liste-fs.csv": FS_CSV, "/flux.zip": FLOWS_ZIP, "/flux.csv": FLOWS}
    Handler.plan, Handler.hits = [], []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    # shutdown() below waits for the server's next poll: every 0.05 s instead of 0.5 s
    threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def ingest(con, source, urls, snapshots, **kw):
    kw.setdefault("backoff", 0.01)
    kw.setdefault("timeout", 0.4)
    return load_source(con, source, [fetch(source, u, snapshots, **kw) for u in urls])


def state(con, source):
    """What a failed run must leave untouched: the raw rows, the rejects and the manifest."""
    return (con.execute(f'select * from raw."{source}" order by _file, _row').fetchall(),
            con.execute(f'select * from raw."{source}_rejects" order by _file, _row').fetchall(),
            con.execute("select * from raw._manifest order by loaded_at, file").fetchall())


@pytest.fixture
def loaded(server, tmp_path):
    """A warehouse holding a first good load of france_services from the server."""
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    res = ingest(con, "france_services", [f"{server}/liste-fs.csv"], tmp_path / "snap")
    assert (res.rows_read, res.rows_loaded) == (2, 2)
    Handler.hits.clear()
    return con


def test_server_error_then_success_is_retried(server, loaded, tmp_path):
    Handler.files["/liste-fs.csv"] = FS_CSV_V2
    Handler.plan = ["500", "500"]
    res = ingest(loaded, "france_services", [f"{server}/liste-fs.csv"], tmp_path / "snap")
    assert Handler.hits == ["500", "500", "ok"]
    assert (res.rows_read, res.rows_loaded, res.stale) == (3, 3, False)
    assert loaded.execute("select count(*) from raw.france_services").fetchone()[0] == 3


@pytest.mark.parametrize("fault", ["slow", "cut", "cut_chunked", "html", "empty"])
def test_transient_fault_then_success_is_retried(server, tmp_path, fault):
    Handler.plan = [fault]
    con = duckdb.connect()
    res = ingest(con, "france_services", [f"{server}/liste-fs.csv"], tmp_path / "snap")
    assert Handler.hits[0] == fault and Handler.hits[-1] == "ok"
    assert (res.rows_read, res.rows_loaded, res.stale) == (2, 2, False)
    assert res.files[0].snapshot.sha256 == hashlib.sha256(FS_CSV).hexdigest()


@pytest.mark.parametrize("fault, reason", [
    ("slow", "timed out"),
    ("cut", ""),
    ("cut_chunked", ""),
    ("html", "page HTML au lieu du fichier"),
    ("empty", "fichier vide"),
    ("500", "HTTP 500"),
])
def test_persistent_fault_without_snapshot_is_a_french_error(server, tmp_path, fault, reason):
    Handler.plan = [fault] * 4
    con = duckdb.connect()
    with pytest.raises(FetchError) as err:
        ingest(con, "france_services", [f"{server}/liste-fs.csv"], tmp_path / "snap", retries=3)
    msg = str(err.value)
    assert msg.startswith("Source « france_services »") and "liste-fs.csv" in msg
    assert "aucune copie antérieure" in msg and reason in msg
    assert Handler.hits == [fault] * 4
    assert not list((tmp_path / "snap" / "france_services").glob("*/liste-fs.csv"))   # nothing archived
    assert con.execute("select count(*) from information_schema.tables where table_schema = 'raw'").fetchone()[0] == 0


@pytest.mark.parametrize("fault", ["slow", "cut", "cut_chunked", "html", "empty", "500"])
def test_persistent_fault_runs_on_the_last_good_snapshot(server, loaded, tmp_path, fault):
    before = state(loaded, "france_services")
    Handler.files["/liste-fs.csv"] = FS_CSV_V2          # the new version never arrives
    Handler.plan = [fault] * 4
    res = ingest(loaded, "france_services", [f"{server}/liste-fs.csv"], tmp_path / "snap", retries=3)
    assert res.stale and res.files[0].snapshot.stale
    assert (res.rows_read, res.rows_loaded) == (2, 2)
    rows, rejects, manifest = state(loaded, "france_services")
    assert rows == before[0] and rejects == before[1]
    assert manifest[:-1] == before[2]
    last = loaded.execute("select stale, sha256, rows_read, rows_loaded, rows_rejected from raw._manifest "
                          "order by loaded_at desc limit 1").fetchone()
    assert last == (True, hashlib.sha256(FS_CSV).hexdigest(), 2, 2, 0)


def test_truncated_zip_is_retried_then_refused_in_french(server, tmp_path):
    con = duckdb.connect()
    Handler.plan = ["truncated_zip"]
    res = ingest(con, "mobpro_flows", [f"{server}/flux.zip"], tmp_path / "snap")
    assert Handler.hits == ["truncated_zip", "ok"] and res.rows_loaded == 400
    Handler.plan = ["truncated_zip"] * 4
    with pytest.raises(FetchError, match="archive ZIP reçue tronquée ou corrompue"):
        ingest(con, "mobpro_flows", [f"{server}/flux.zip"], tmp_path / "other-snap", retries=3)


def test_corrupt_zip_member_is_a_french_error_and_keeps_previous_tables(server, tmp_path):
    """The archive's directory is intact but its data is damaged: the CRC check refuses it at read."""
    con = duckdb.connect()
    ingest(con, "mobpro_flows", [f"{server}/flux.zip"], tmp_path / "snap")
    before = state(con, "mobpro_flows")
    damaged = bytearray(FLOWS_ZIP)
    start = 30 + len("base-flux-mobilite-2020.csv")       # local header, then the compressed data
    for i in range(start + 10, start + 40):
        damaged[i] ^= 0xFF
    Handler.files["/flux.zip"] = bytes(damaged)
    with pytest.raises(ContractError) as err:
        ingest(con, "mobpro_flows", [f"{server}/flux.zip"], tmp_path / "snap")
    assert str(err.value).startswith("Source « mobpro_flows »") and "archive ZIP tronquée ou corrompue" in str(err.value)
    assert state(con, "mobpro_flows") == before


def test_missing_required_column_is_a_french_error_and_keeps_previous_tables(server, loaded, tmp_path):
    before = state(loaded, "france_services")
    Handler.files["/liste-fs.csv"] = b"id_fs,lib_fs,latitude,longitude\n1,France services A,46.1,5.2\n"
    with pytest.raises(ContractError) as err:
        ingest(loaded, "france_services", [f"{server}/liste-fs.csv"], tmp_path / "snap")
    msg = str(err.value)
    assert msg.startswith("Source « france_services »") and "liste-fs.csv" in msg
    assert "colonne(s) obligatoire(s) absente(s) : « insee_com »" in msg
    assert state(loaded, "france_services") == before


def test_stale_run_uses_the_last_snapshot_that_loaded(server, loaded, tmp_path):
    """A new file that broke its contract is archived, but a later stale run skips it for the last good one."""
    before = state(loaded, "france_services")
    Handler.files["/liste-fs.csv"] = b"id_fs,lib_fs\n1,France services A\n"
    with pytest.raises(ContractError):
        ingest(loaded, "france_services", [f"{server}/liste-fs.csv"], tmp_path / "snap")
    Handler.plan = ["500"] * 4
    res = ingest(loaded, "france_services", [f"{server}/liste-fs.csv"], tmp_path / "snap", retries=3)
    assert res.stale and res.files[0].snapshot.sha256 == hashlib.sha256(FS_CSV).hexdigest()
    assert state(loaded, "france_services")[:2] == before[:2]


def test_second_file_failing_loads_nothing_of_the_source(server, tmp_path):
    """A source of two files whose second file is broken: neither file reaches raw."""
    con = duckdb.connect()
    ingest(con, "mobpro_flows", [f"{server}/flux.csv"], tmp_path / "snap")
    before = state(con, "mobpro_flows")
    Handler.files["/flux2.csv"] = b"CODGEO;DCLT\n01001;01004\n"
    with pytest.raises(ContractError, match="NBFLUX_ACTOCC15P"):
        ingest(con, "mobpro_flows", [f"{server}/flux.zip", f"{server}/flux2.csv"], tmp_path / "snap")
    assert state(con, "mobpro_flows") == before


def test_manifest_row_per_file(server, tmp_path):
    con = duckdb.connect()
    ingest(con, "mobpro_flows", [f"{server}/flux.csv", f"{server}/flux.zip"], tmp_path / "snap")
    rows = con.execute("select source, location, file, sha256, bytes, fetched_at is not null, stale, rows_read, "
                       "rows_loaded, rows_rejected, format, member from raw._manifest order by file").fetchall()
    assert rows == [
        ("mobpro_flows", f"{server}/flux.csv", "flux.csv", hashlib.sha256(FLOWS).hexdigest(), len(FLOWS), True,
         False, 2, 2, 0, "csv", None),
        ("mobpro_flows", f"{server}/flux.zip", "flux.zip", hashlib.sha256(FLOWS_ZIP).hexdigest(), len(FLOWS_ZIP),
         True, False, 400, 398, 2, "zip:csv", "base-flux-mobilite-2020.csv"),
    ]
    # The zipped file repeats the two flows of flux.csv: duplicates of another file, named with its line.
    assert con.execute("select reason from raw.mobpro_flows_rejects order by _row").fetchall() == [
        ("flux.zip, ligne 2 : doublon : même clé (CODGEO, DCLT = 01001, 01004) que flux.csv ligne 2",),
        ("flux.zip, ligne 3 : doublon : même clé (CODGEO, DCLT = 01001, SU004) que flux.csv ligne 3",)]


def test_progress_bar_on_streaming_download(server, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)   # as in a terminal
    fetch("mobpro_flows", f"{server}/flux.zip", tmp_path / "snap", backoff=0.01)
    assert "téléchargement mobpro_flows" in capsys.readouterr().err
    monkeypatch.setattr(sys.stderr, "isatty", lambda: False, raising=False)  # as in a log file
    fetch("mobpro_flows", f"{server}/flux.csv", tmp_path / "snap", backoff=0.01)
    assert "téléchargement" not in capsys.readouterr().err
