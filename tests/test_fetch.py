"""The fetch layer against a real local HTTP server: retries, conditional requests, truncated
bodies, and the last good snapshot standing in when the network fails."""

from __future__ import annotations

import hashlib
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from ingest.errors import FetchError
from ingest.fetch import fetch

BODY = b"id_fs,lib_fs,insee_com\n1,France services A,01001\n"
ETAG = '"v1"'


class Handler(BaseHTTPRequestHandler):
    plan: list[str] = []
    hits: list[str] = []

    def log_message(self, *args):
        pass

    def do_GET(self):
        step = self.plan.pop(0) if self.plan else "ok"
        self.hits.append(step)
        if step == "500":
            self.send_response(500)
            self.end_headers()
            return
        if step == "truncated":
            self.send_response(200)
            self.send_header("Content-Length", str(len(BODY) + 100))
            self.end_headers()
            self.wfile.write(BODY)
            self.wfile.flush()
            self.close_connection = True
            return
        if step == "404":
            self.send_response(404)
            self.end_headers()
            return
        if self.headers.get("If-None-Match") == ETAG:
            self.send_response(304)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(BODY)))
        self.send_header("ETag", ETAG)
        self.end_headers()
        self.wfile.write(BODY)


@pytest.fixture
def server():
    Handler.plan, Handler.hits = [], []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    # shutdown() below waits for the server's next poll: every 0.05 s instead of 0.5 s
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/liste-fs.csv"
    httpd.shutdown()
    httpd.server_close()


def test_download_snapshot_and_not_modified(server, tmp_path):
    snap = fetch("france_services", server, tmp_path, backoff=0.01)
    assert snap.sha256 == hashlib.sha256(BODY).hexdigest() and snap.bytes == len(BODY)
    assert snap.path.read_bytes() == BODY and snap.path.name == "liste-fs.csv"
    again = fetch("france_services", server, tmp_path, backoff=0.01)
    assert again.not_modified and again.path == snap.path


def test_server_error_then_success_is_retried(server, tmp_path):
    Handler.plan = ["500", "500"]
    snap = fetch("france_services", server, tmp_path, backoff=0.01)
    assert Handler.hits == ["500", "500", "ok"] and snap.path.read_bytes() == BODY


def test_truncated_body_is_retried(server, tmp_path):
    Handler.plan = ["truncated"]
    snap = fetch("france_services", server, tmp_path, backoff=0.01)
    assert Handler.hits[:1] == ["truncated"] and snap.path.read_bytes() == BODY


def test_network_failure_uses_last_snapshot_or_fails_in_french(server, tmp_path):
    Handler.plan = ["500"] * 4
    with pytest.raises(FetchError, match="aucune copie antérieure"):
        fetch("france_services", server, tmp_path, retries=3, backoff=0.01)
    good = fetch("france_services", server, tmp_path, backoff=0.01)
    Handler.plan = ["500"] * 4
    stale = fetch("france_services", server, tmp_path, retries=3, backoff=0.01)
    assert stale.stale and stale.sha256 == good.sha256


def test_client_error_is_not_retried(server, tmp_path):
    Handler.plan = ["404"]
    with pytest.raises(FetchError, match="HTTP 404"):
        fetch("france_services", server, tmp_path, backoff=0.01)
    assert Handler.hits == ["404"]
