"""A dbt process started ahead of the dbt step, so that a refresh does not wait for dbt to start.

Every ``dbt build`` of a refresh used to pay, before running its first model, about 2.5 s of Python
imports and 1 s of project parsing (partial parsing included), on one core, while the other core
idled: a quarter of a survey-only refresh at national scale. A run now starts, with its first
ingestion step (:func:`start`), one *warm* dbt process that imports dbt and parses the project
(``dbtRunner``, dbt's documented programmatic entry point) while the sources load, then waits for
one command.

dagster-dbt is unchanged: it still launches "dbt" as a subprocess and reads its JSON log lines. That
subprocess is the small client of this module (:func:`client_executable`): it hands its command
line, environment, working directory and its standard streams (the file descriptors themselves,
over a Unix socket) to the warm process, which runs dbt with them, so every log line goes straight
to dagster-dbt, and returns dbt's exit code. A signal sent to the client (Dagster cancelling the
run) is forwarded; a client that dies stops the warm process.

Fallbacks, all to the ordinary dbt process: no warm process for this run (the client then executes
the real dbt), a command whose ``--vars``, build file or project differ from the pre-parse (the
warm process then parses, like dbt would), ``OBSERVATOIRE_DBT_WARM=0`` (never started). A warm
process serves one command and exits; one left unused exits when its parent process ends or after
:data:`IDLE_TIMEOUT_S`.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ENV_SOCKET = "OBSERVATOIRE_DBT_SERVER"   # set for the dbt client of the step that uses the warm process
IDLE_TIMEOUT_S = 1800
FOLDER_PREFIX = "observatoire-dbt-"   # in the temporary folder: the socket and server.log of a warm process

_server: dict | None = None   # the warm process of this (Dagster) process: popen, socket, key, used
_lock = threading.Lock()


# ----------------------------------------------------------------------------- Dagster side

def enabled() -> bool:
    return os.environ.get("OBSERVATOIRE_DBT_WARM", "1") != "0"


def start(project_dir: Path, dbt_vars: dict, env: dict[str, str]) -> None:
    """Start (once per run) the warm dbt process for ``dbt build --vars dbt_vars`` of ``project_dir``
    with ``env`` (the build file) added to the environment. An unused warm process started for the
    same command is kept; one for another command is stopped and replaced."""
    global _server
    if not enabled():
        return
    key = _key(project_dir, dbt_vars, env)
    _remove_stale_folders()
    with _lock:
        if _server is not None and not _server["used"] and _server["popen"].poll() is None:
            if _server["key"] == key:
                return
            _stop(_server)
        folder = Path(tempfile.mkdtemp(prefix=FOLDER_PREFIX))
        path = folder / "dbt.sock"
        with open(folder / "server.log", "wb") as log:   # what the warm process did before the command
            popen = subprocess.Popen(
                [sys.executable, "-m", "orchestration.dbt_server", "serve", str(path), str(project_dir),
                 json.dumps(dbt_vars), str(os.getpid())],
                cwd=str(Path(__file__).resolve().parent.parent), env={**os.environ, **env},
                stdin=subprocess.DEVNULL, stdout=log, stderr=log)
        # Same session as the run, on purpose: Linux shares the CPU between sessions first (autogroups),
        # so a session of its own would get a whole core of two, as much as the run's loads and checks
        # together.
        _server = {"popen": popen, "socket": path, "key": key, "used": False}


def _remove_stale_folders() -> None:
    """The folders of warm processes killed with their run (a SIGKILL to the run's process group leaves
    them no time to clean up): removed once older than twice the idle timeout, which no warm process
    waiting for its command outlives."""
    limit = time.time() - 2 * IDLE_TIMEOUT_S
    for folder in Path(tempfile.gettempdir()).glob(f"{FOLDER_PREFIX}*"):
        try:
            if folder.stat().st_mtime < limit:
                shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            pass


def take(project_dir: Path, dbt_vars: dict, env: dict[str, str]) -> str | None:
    """The socket of the warm process for this command (marked used: it serves one command), or None
    when there is none, it died or it was started for another command."""
    with _lock:
        s = _server
        if s is None or s["used"] or s["key"] != _key(project_dir, dbt_vars, env):
            return None
        s["used"] = True
        deadline = time.monotonic() + 10   # it listens ~0.1 s after its start, before importing dbt
        while not s["socket"].exists() and s["popen"].poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        return str(s["socket"]) if s["socket"].exists() and s["popen"].poll() is None else None


def stop() -> None:
    """Stop this process's warm dbt process, if any (tests, end of a benchmark)."""
    global _server
    with _lock:
        if _server is not None:
            _stop(_server)
            _server = None


def _stop(s: dict) -> None:
    if s["popen"].poll() is None:
        s["popen"].kill()
        s["popen"].wait()
    shutil.rmtree(s["socket"].parent, ignore_errors=True)


def _key(project_dir: Path, dbt_vars: dict, env: dict[str, str]) -> str:
    return json.dumps([str(Path(project_dir).resolve()), dbt_vars, env], sort_keys=True)


def client_executable(folder: Path) -> Path:
    """The executable that dagster-dbt runs as "dbt": a shell script starting this module's client
    with this Python (written once in ``folder``; a shebang line could not hold any venv path)."""
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / "dbt-client"
    text = (f"#!/bin/sh\nexec '{sys.executable}' -S '{Path(__file__).resolve()}' client "
            f"'{Path(sys.executable).parent / 'dbt'}' \"$@\"\n")
    if not script.exists() or script.read_text(encoding="utf-8") != text:
        tmp = script.with_suffix(".tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.chmod(0o755)
        os.replace(tmp, script)
    return script


# ----------------------------------------------------------------------------- the client

def client(real_dbt: str, argv: list[str]) -> int:
    """Run ``dbt argv`` in the warm process named by $OBSERVATOIRE_DBT_SERVER, else exec the real dbt."""
    path = os.environ.get(ENV_SOCKET)
    sock = None
    if path:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.connect(path)
        except OSError:
            sock.close()
            sock = None
    if sock is None:
        os.execv(real_dbt, [real_dbt, *argv])
    env = {k: v for k, v in os.environ.items() if k != ENV_SOCKET}
    request = json.dumps({"argv": argv, "cwd": os.getcwd(), "env": env}).encode()
    socket.send_fds(sock, [len(request).to_bytes(8, "big")], [0, 1, 2])
    sock.sendall(request)
    stream = sock.makefile("rb")
    line = stream.readline()
    if not line:
        print("dbt : le processus dbt préparé s'est arrêté avant de démarrer", file=sys.stderr)
        return 2
    server_pid = int(line)

    def forward(signum, _frame):
        try:
            os.kill(server_pid, signum)
        except ProcessLookupError:
            pass

    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, forward)
    line = stream.readline()
    if not line:
        print("dbt : le processus dbt préparé s'est arrêté sans code de retour", file=sys.stderr)
        return 2
    return int(line)


# ----------------------------------------------------------------------------- the warm process

def serve(path: str, project_dir: str, vars_json: str, parent_pid: int) -> None:
    global _folder
    _folder = Path(path).parent
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)          # listening before the imports: a client may connect at once and wait
    listener.listen(1)
    _exit_with(parent_pid)
    os.chdir(project_dir)
    started = time.monotonic()
    try:
        manifest = _prepare(vars_json, started)
    except KeyboardInterrupt:   # Ctrl-C in the terminal of the run
        _exit(0)
    listener.settimeout(IDLE_TIMEOUT_S)
    try:
        conn, _ = listener.accept()
    except (TimeoutError, KeyboardInterrupt):   # unused, or Ctrl-C in the terminal of the run
        _exit(0)
    listener.close()
    Path(path).unlink(missing_ok=True)
    _log("command received", started)
    msg, fds, _, _ = socket.recv_fds(conn, 8, 3)
    size = int.from_bytes(msg, "big")
    data = b""
    while len(data) < size:
        chunk = conn.recv(size - len(data))
        if not chunk:
            _exit(2)
        data += chunk
    request = json.loads(data)
    for fd, target in zip(fds, (0, 1, 2)):
        os.dup2(fd, target)
        os.close(fd)
    sys.stdout.reconfigure(line_buffering=True)
    sys.stderr.reconfigure(line_buffering=True)
    conn.sendall(f"{os.getpid()}\n".encode())
    threading.Thread(target=_exit_when_closed, args=(conn,), daemon=True).start()
    from dbt.cli.main import dbtRunner

    if manifest is None:   # said where the run's logs are read
        print("processus dbt préparé : analyse anticipée du projet en échec, analyse refaite\n  "
              + "\n  ".join(_messages), file=sys.stderr)
    argv = request["argv"]
    if manifest is not None and not _same_command(argv, request, vars_json, project_dir):
        _log("command differs from the parse made ahead: parsed again", started)
        manifest = None
    os.environ.clear()
    os.environ.update(request["env"])
    os.chdir(request["cwd"])
    try:
        result = dbtRunner(manifest=manifest).invoke(argv)
        code = 0 if result.success else (2 if result.exception is not None else 1)
    except BaseException:
        import traceback

        traceback.print_exc()
        code = 2
    _close_duckdb()
    sys.stdout.flush()
    sys.stderr.flush()
    global _answered
    _answered = code   # the client may close (and wake _exit_when_closed) as soon as it has the code
    try:
        conn.sendall(f"{code}\n".encode())
    except OSError:
        pass
    _exit(code)


def _prepare(vars_json: str, started: float):
    """Import dbt and parse the project (partial parsing: ~1.5 s of CPU); the manifest, or None."""
    try:
        from dbt.cli.main import dbtRunner

        result = dbtRunner().invoke(["parse", "--vars", vars_json, "--quiet", "--no-write-json"])
        _log(f"parse: success={result.success} exception={result.exception!r}", started)
        return result.result if result.success else None
    except Exception as exc:   # parsing again at the command is the ordinary path
        _log(f"parse failed: {exc!r}", started)
        return None


def _same_command(argv: list[str], request: dict, vars_json: str, project_dir: str) -> bool:
    """The command runs with the parse made ahead: same --vars, same project, same build file."""
    try:
        given = json.loads(argv[argv.index("--vars") + 1])
    except (ValueError, IndexError):
        return False
    env = request["env"]
    project = env.get("DBT_PROJECT_DIR", request["cwd"])
    return (given == json.loads(vars_json)
            and Path(project).resolve() == Path(project_dir).resolve()
            and env.get("OBSERVATOIRE_BUILD_DB") == os.environ.get("OBSERVATOIRE_BUILD_DB"))


def _close_duckdb() -> None:
    """Write dbt's changes into the database file (a checkpoint) and close it, as a dbt process does
    when it exits: this process ends with os._exit, which runs no finalizer, and a write-ahead log
    left behind would be replayed, slowly, by the next process opening the file."""
    try:
        from dbt.adapters.duckdb.connections import DuckDBConnectionManager
    except ImportError:
        return
    env = DuckDBConnectionManager._ENV
    DuckDBConnectionManager.close_all_connections()
    if env is not None and getattr(env, "conn", None) is not None:
        try:
            env.conn.execute("checkpoint")
        except Exception as exc:   # the next process replays the log: slower, never wrong
            print(f"dbt : checkpoint de fin impossible ({exc})", file=sys.stderr, flush=True)
        env.close()


_answered: int | None = None   # dbt's exit code, once being sent to the client
_folder: Path | None = None   # the warm process's temporary folder (socket, server.log)


def _exit(code: int) -> None:
    """End the warm process now (no finalizer: dbt's threads may still run), its folder removed."""
    if _folder is not None:
        shutil.rmtree(_folder, ignore_errors=True)
    os._exit(code)


_messages: list[str] = []


def _log(message: str, started: float) -> None:
    """A line of server.log (removed at exit); kept to be repeated on dbt's stderr when the parse
    made ahead failed."""
    line = f"{time.monotonic() - started:7.2f} s  {message}"
    _messages.append(line)
    print(line, file=sys.stderr, flush=True)


def _exit_with(parent_pid: int) -> None:
    """Exit when the process that started this one is gone (a killed run leaves no dbt behind)."""
    def watch():
        while True:
            time.sleep(1)
            if os.getppid() != parent_pid:
                _exit(3)

    threading.Thread(target=watch, daemon=True).start()


def _exit_when_closed(conn: socket.socket) -> None:
    """The client is gone (killed): stop dbt too."""
    try:
        while conn.recv(1):
            pass
    except OSError:
        pass
    _exit(130 if _answered is None else _answered)


if __name__ == "__main__":
    if sys.argv[1] == "client":
        sys.exit(client(sys.argv[2], sys.argv[3:]))
    if sys.argv[1] == "serve":
        sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
        serve(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]))
