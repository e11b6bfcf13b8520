"""The warm dbt process (orchestration.dbt_server), with real dbt runs on a two-model project written here.

What a refresh relies on: a command given to the warm process builds exactly what the ordinary dbt
would (even when its ``--vars`` differ from the parse made ahead), its logs reach the caller's
stdout, its exit code is dbt's, it writes its changes to the database file before answering, a
client without a warm process runs the real dbt, and a killed client leaves no dbt process behind.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from orchestration import dbt_server

REAL_DBT = Path(sys.executable).parent / "dbt"
pytestmark = pytest.mark.skipif(not REAL_DBT.exists(), reason="dbt n'est pas installé à côté de ce Python")


@pytest.fixture
def project(tmp_path):
    proj = tmp_path / "proj"
    (proj / "models").mkdir(parents=True)
    (proj / "dbt_project.yml").write_text("name: tiny\nversion: '1.0'\nprofile: tiny\nvars:\n  x: 0\n",
                                          encoding="utf-8")
    (proj / "profiles.yml").write_text(
        "tiny:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n"
        "      path: \"{{ env_var('OBSERVATOIRE_BUILD_DB') }}\"\n      threads: 1\n", encoding="utf-8")
    (proj / "models" / "m.sql").write_text("select {{ var('x') }} as x", encoding="utf-8")
    (proj / "models" / "n.sql").write_text("select x * 10 as y from {{ ref('m') }}", encoding="utf-8")
    env = {"OBSERVATOIRE_BUILD_DB": str(tmp_path / "build.duckdb"), "DBT_PROFILES_DIR": str(proj)}
    client = dbt_server.client_executable(tmp_path / "bin")
    yield proj, env, client
    dbt_server.stop()


def run(client: Path, proj: Path, env: dict, args: list[str], socket: str | None = None, **kw):
    import os

    full = {k: v for k, v in os.environ.items() if k != dbt_server.ENV_SOCKET} | env
    if socket:
        full[dbt_server.ENV_SOCKET] = socket
    return subprocess.run([str(client), *args], cwd=proj, env=full, capture_output=True, text=True, timeout=300, **kw)


def values(env: dict) -> tuple:
    con = duckdb.connect(env["OBSERVATOIRE_BUILD_DB"], read_only=True)
    try:
        return con.execute("select x, y from main.m, main.n").fetchone()
    finally:
        con.close()


def served(timeout: float = 30) -> int:
    """The exit code of the warm process (it serves one command, then exits)."""
    return dbt_server._server["popen"].wait(timeout=timeout)


def test_warm_process_runs_the_command_and_exits(project):
    proj, env, client = project
    dbt_server.start(proj, {"x": 4}, env)
    folder = dbt_server._server["socket"].parent
    socket = dbt_server.take(proj, {"x": 4}, env)
    assert socket is not None
    assert dbt_server.take(proj, {"x": 4}, env) is None          # one command per warm process
    done = run(client, proj, env, ["build", "--vars", json.dumps({"x": 4}), "--log-format", "json"], socket)
    assert done.returncode == 0, done.stderr
    assert served() == 0                                        # the warm process ran it (not the fallback)
    assert values(env) == (4, 40)                               # written to the file before answering
    events = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    assert {"LogModelResult", "EndOfRunSummary"} <= {e["info"]["name"] for e in events}   # what dagster-dbt reads
    assert not folder.exists()                                  # its temporary folder removed


def test_folders_left_by_killed_processes_are_removed(project):
    """A run killed with its process group leaves its warm process's folder: the next start removes
    the folders older than twice the idle timeout, never a recent one."""
    import os
    import tempfile

    proj, env, _ = project
    stale = Path(tempfile.mkdtemp(prefix=dbt_server.FOLDER_PREFIX))
    recent = Path(tempfile.mkdtemp(prefix=dbt_server.FOLDER_PREFIX))
    (stale / "server.log").write_text("", encoding="utf-8")
    old = time.time() - 2 * dbt_server.IDLE_TIMEOUT_S - 60
    os.utime(stale, (old, old))
    try:
        dbt_server.start(proj, {"x": 1}, env)
        assert not stale.exists() and recent.exists()
    finally:
        recent.rmdir()


def test_other_vars_are_parsed_again(project):
    proj, env, client = project
    dbt_server.start(proj, {"x": 1}, env)
    socket = dbt_server.take(proj, {"x": 1}, env)
    done = run(client, proj, env, ["build", "--vars", json.dumps({"x": 2})], socket)
    assert done.returncode == 0, done.stderr
    assert served() == 0
    assert values(env) == (2, 20)                               # not the values of the parse made ahead


def test_a_failing_build_returns_dbt_exit_code(project):
    proj, env, client = project
    (proj / "models" / "n.sql").write_text("select no_such_column from {{ ref('m') }}", encoding="utf-8")
    dbt_server.start(proj, {"x": 3}, env)
    socket = dbt_server.take(proj, {"x": 3}, env)
    done = run(client, proj, env, ["build", "--vars", json.dumps({"x": 3})], socket)
    assert done.returncode == 1
    assert "no_such_column" in done.stdout
    assert served() == 1


def test_without_warm_process_the_client_runs_the_real_dbt(project):
    proj, env, client = project
    done = run(client, proj, env, ["build", "--vars", json.dumps({"x": 5})])
    assert done.returncode == 0, done.stderr
    assert values(env) == (5, 50)
    gone = run(client, proj, env, ["build", "--vars", json.dumps({"x": 6})], socket="/nonexistent/dbt.sock")
    assert gone.returncode == 0, gone.stderr                    # a dead socket: the real dbt too
    assert values(env) == (6, 60)


def test_a_killed_client_stops_the_warm_process(project):
    proj, env, client = project
    (proj / "models" / "n.sql").write_text(
        "select sum(hash(range + x)) as y from {{ ref('m') }}, range(100000000000)", encoding="utf-8")   # hours
    dbt_server.start(proj, {"x": 1}, env)
    socket = dbt_server.take(proj, {"x": 1}, env)
    import os

    proc = subprocess.Popen([str(client), "build", "--vars", json.dumps({"x": 1}), "--log-format", "json"],
                            cwd=proj, env=os.environ | env | {dbt_server.ENV_SOCKET: socket},
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    deadline = time.monotonic() + 120
    for line in proc.stdout:   # wait until dbt runs the endless model
        if '"LogStartLine"' in line and "model.tiny.n" in line or time.monotonic() > deadline:
            break
    assert proc.poll() is None, "the endless model ended"
    proc.kill()
    proc.wait()
    assert served(timeout=20) == 130
