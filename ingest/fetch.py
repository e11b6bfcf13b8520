"""Fetch a source file into an immutable snapshot archive.

A location is a local path, a ``file://`` URL or an ``http(s)://`` URL. Whatever it is, the bytes are
copied to ``<snapshot_dir>/<source>/<sha256>/<filename>`` (never overwritten: same bytes, same
folder) and described by a :class:`Snapshot`. HTTP downloads stream to a temporary file with a
timeout, retry with exponential backoff on connection errors and 5xx answers, and send the
``ETag`` / ``Last-Modified`` of the previous snapshot so an unchanged file is not downloaded twice.
When the network fails and an earlier snapshot exists, that snapshot is used and marked stale (the
most recent one that was loaded without error, see :func:`mark_loaded`, else the most recent one).

A downloaded body that cannot be the data (empty, an HTML page served instead of the file, a ZIP
archive without its central directory) counts as a failed attempt: it is retried, never archived,
and in the end the last good snapshot stands in (stale) or a French error names the source.
Streaming downloads show a progress bar on a terminal (tqdm when installed, else one stderr line),
never in a log file.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import tempfile
import time
import zipfile
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import unquote, urlparse

import requests

from ingest.errors import FetchError

CHUNK = 1 << 20


@dataclass(frozen=True)
class Snapshot:
    source: str
    location: str
    path: Path
    sha256: str
    bytes: int
    fetched_at: str
    stale: bool = False
    not_modified: bool = False
    etag: str | None = None
    last_modified: str | None = None

    def to_json(self) -> dict:
        d = asdict(self)
        d["path"] = str(self.path)
        return d


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _filename(location: str) -> str:
    name = Path(unquote(urlparse(location).path)).name
    return name or "download"


def _index_path(snapshot_dir: Path, source: str) -> Path:
    return snapshot_dir / source / "index.json"


def _read_index(snapshot_dir: Path, source: str) -> list[dict]:
    p = _index_path(snapshot_dir, source)
    if not p.exists():
        return []
    return json.loads(p.read_text(encoding="utf-8"))


def last_snapshot(snapshot_dir: Path, source: str, location: str, *, loaded_only: bool = False) -> dict | None:
    """The most recent snapshot of this location whose file is still in the archive (with
    ``loaded_only``: the most recent one that was loaded into the warehouse without error)."""
    for entry in reversed(_read_index(snapshot_dir, source)):
        if entry["location"] == location and Path(entry["path"]).exists() and (entry.get("loaded") or not loaded_only):
            return entry
    return None


def mark_loaded(snapshot: Snapshot, rows_read: int | None = None) -> None:
    """Record in the archive's index that this snapshot was loaded without error (and how many rows were
    read from it): a stale run prefers it to a later snapshot whose file broke its contract, and the next
    file of the same location is compared with its row count (ingest.load.check_row_drop)."""
    idx = snapshot.path.parent.parent / "index.json"
    if not idx.exists():
        return
    index = json.loads(idx.read_text(encoding="utf-8"))
    changed = False
    for entry in index:
        if entry.get("sha256") == snapshot.sha256 and entry.get("location") == snapshot.location and (
                not entry.get("loaded") or (rows_read is not None and entry.get("rows_read") != rows_read)):
            entry["loaded"] = True
            if rows_read is not None:
                entry["rows_read"] = rows_read
            changed = True
    if changed:
        tmp_idx = idx.with_suffix(".json.tmp")
        tmp_idx.write_text(json.dumps(index, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(tmp_idx, idx)


def previous_loaded(snapshot: Snapshot) -> dict | None:
    """The most recent snapshot of the same location, other bytes, that was loaded without error."""
    idx = snapshot.path.parent.parent / "index.json"
    if not idx.exists():
        return None
    for entry in reversed(json.loads(idx.read_text(encoding="utf-8"))):
        if (entry["location"] == snapshot.location and entry.get("loaded") and entry["sha256"] != snapshot.sha256
                and Path(entry["path"]).exists()):
            return entry
    return None


def stale_stand_in(snapshot: Snapshot) -> Snapshot | None:
    """The snapshot that stands in for a damaged file (:func:`previous_loaded`), marked stale; None without one."""
    prev = previous_loaded(snapshot)
    if prev is None:
        return None
    return Snapshot(source=snapshot.source, location=snapshot.location, path=Path(prev["path"]),
                    sha256=prev["sha256"], bytes=prev["bytes"], fetched_at=prev["fetched_at"], stale=True,
                    etag=prev.get("etag"), last_modified=prev.get("last_modified"))


def _archive(tmp: Path, snapshot_dir: Path, source: str, location: str, **meta) -> Snapshot:
    """Move a downloaded temporary file into the archive under its hash, and index it."""
    h = hashlib.sha256()
    size = 0
    with tmp.open("rb") as fh:
        for chunk in iter(lambda: fh.read(CHUNK), b""):
            h.update(chunk)
            size += len(chunk)
    digest = h.hexdigest()
    dest = snapshot_dir / source / digest / _filename(location)
    dest.parent.mkdir(parents=True, exist_ok=True)
    if dest.exists():
        tmp.unlink()
    else:
        os.replace(tmp, dest)
        os.chmod(dest, 0o444)
    snap = Snapshot(source=source, location=location, path=dest, sha256=digest, bytes=size,
                    fetched_at=_now(), **meta)
    index = _read_index(snapshot_dir, source)
    index.append(snap.to_json())
    idx = _index_path(snapshot_dir, source)
    tmp_idx = idx.with_suffix(".json.tmp")
    tmp_idx.write_text(json.dumps(index, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp_idx, idx)
    return snap


class _Progress:
    """A download progress bar: tqdm when installed, else a single rewritten stderr line."""

    def __init__(self, source: str, total: int | None):
        self.enabled = sys.stderr.isatty()   # a terminal, not a log file
        self.total, self.done, self.bar, self.last = total, 0, None, 0.0
        self.label = f"téléchargement {source}"
        if not self.enabled:
            return
        try:
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit="o", unit_scale=True, unit_divisor=1024, desc=self.label,
                            file=sys.stderr, leave=False)
        except ImportError:
            self.bar = None

    def update(self, n: int) -> None:
        self.done += n
        if not self.enabled:
            return
        if self.bar is not None:
            self.bar.update(n)
            return
        now = time.monotonic()
        if now - self.last >= 0.5:
            self.last = now
            total = f" / {self.total / 1e6:.1f} Mo" if self.total else ""
            sys.stderr.write(f"\r{self.label} : {self.done / 1e6:.1f} Mo{total}")
            sys.stderr.flush()

    def close(self) -> None:
        if not self.enabled:
            return
        if self.bar is not None:
            self.bar.close()
        else:
            sys.stderr.write("\n")
            sys.stderr.flush()


def content_problem(path: Path) -> str | None:
    """Why a downloaded body cannot be a data file (French), or None when it may be one."""
    from ingest.readers import non_data_reason

    with path.open("rb") as fh:
        head = fh.read(4096)
    reason = non_data_reason(head)
    if reason is not None:
        return f"le serveur a renvoyé {reason}"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path):
                pass
        except (zipfile.BadZipFile, OSError, EOFError):
            return "archive ZIP reçue tronquée ou corrompue"
    return None


def _fetch_local(path: Path, snapshot_dir: Path, source: str, location: str) -> Snapshot:
    if not path.exists():
        raise FetchError(source, f"fichier introuvable : {path}. Vérifiez le chemin dans la configuration "
                                 "(pour la démo : lancez d'abord `make mirror`).", location=location)
    (snapshot_dir / source).mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=snapshot_dir / source, prefix=".part-")
    os.close(fd)
    shutil.copyfile(path, tmp)
    return _archive(Path(tmp), snapshot_dir, source, location)


def _stale_or_fail(snapshot_dir: Path, source: str, location: str, reason: str) -> Snapshot:
    prev = (last_snapshot(snapshot_dir, source, location, loaded_only=True)
            or last_snapshot(snapshot_dir, source, location))
    if prev is None:
        raise FetchError(source, f"téléchargement impossible ({reason}) et aucune copie antérieure "
                                 "n'est archivée : la source ne peut pas être chargée. Vérifiez la connexion et "
                                 "l'adresse du fichier, puis relancez le rafraîchissement.", location=location)
    print(f"[fetch] {source}: {reason}; using the snapshot of {prev['fetched_at']} (stale)", file=sys.stderr)
    fields = {k: prev.get(k) for k in ("etag", "last_modified")}
    return Snapshot(source=source, location=location, path=Path(prev["path"]), sha256=prev["sha256"],
                    bytes=prev["bytes"], fetched_at=prev["fetched_at"], stale=True, **fields)


def _fetch_http(location: str, snapshot_dir: Path, source: str, *, timeout: float, retries: int,
                backoff: float, session: requests.Session | None) -> Snapshot:
    http = session or requests.Session()
    prev = last_snapshot(snapshot_dir, source, location)
    headers = {"User-Agent": "observatoire-tiers-lieux/0.1"}
    if prev and prev.get("etag"):
        headers["If-None-Match"] = prev["etag"]
    if prev and prev.get("last_modified"):
        headers["If-Modified-Since"] = prev["last_modified"]
    (snapshot_dir / source).mkdir(parents=True, exist_ok=True)
    last_error = "erreur inconnue"
    for attempt in range(retries + 1):
        if attempt:
            time.sleep(backoff * (2 ** (attempt - 1)))
        fd, tmp_name = tempfile.mkstemp(dir=snapshot_dir / source, prefix=".part-")
        os.close(fd)
        tmp = Path(tmp_name)
        try:
            with http.get(location, headers=headers, stream=True, timeout=timeout) as resp:
                if resp.status_code == 304 and prev:
                    tmp.unlink()
                    return Snapshot(source=source, location=location, path=Path(prev["path"]),
                                    sha256=prev["sha256"], bytes=prev["bytes"], fetched_at=_now(),
                                    not_modified=True, etag=prev.get("etag"),
                                    last_modified=prev.get("last_modified"))
                if resp.status_code >= 500 or resp.status_code == 429:
                    last_error = f"HTTP {resp.status_code}"
                    tmp.unlink()
                    continue
                if resp.status_code >= 400:
                    tmp.unlink()
                    raise FetchError(source, f"le serveur a répondu HTTP {resp.status_code}. Vérifiez l'adresse du fichier "
                                             f"(déclaration ingest/sources/{source}.py, ou [sources.{source}] url de la "
                                             "configuration) ; le publicateur l'a peut-être déplacé.", location=location)
                expected = resp.headers.get("Content-Length")
                received = 0
                progress = _Progress(source, int(expected) if expected and expected.isdigit() else None)
                try:
                    with tmp.open("wb") as out:
                        for chunk in resp.iter_content(CHUNK):
                            out.write(chunk)
                            received += len(chunk)
                            progress.update(len(chunk))
                finally:
                    progress.close()
                if expected is not None and received != int(expected):
                    last_error = f"réponse tronquée ({received} octets reçus sur {expected})"
                    tmp.unlink()
                    continue
                problem = content_problem(tmp)
                if problem is not None:
                    last_error = problem
                    tmp.unlink()
                    continue
                return _archive(tmp, snapshot_dir, source, location, etag=resp.headers.get("ETag"),
                                last_modified=resp.headers.get("Last-Modified"))
        except FetchError:
            raise
        except requests.RequestException as exc:
            last_error = f"{type(exc).__name__}: {exc}"
            tmp.unlink(missing_ok=True)
    return _stale_or_fail(snapshot_dir, source, location, last_error)


def fetch(source: str, location: str, snapshot_dir: Path, *, timeout: float = 30.0, retries: int = 3,
          backoff: float = 0.5, session: requests.Session | None = None) -> Snapshot:
    """Bring one location into the snapshot archive and describe the snapshot."""
    scheme = urlparse(location).scheme
    if scheme in ("http", "https"):
        return _fetch_http(location, snapshot_dir, source, timeout=timeout, retries=retries,
                           backoff=backoff, session=session)
    path = Path(unquote(urlparse(location).path)) if scheme == "file" else Path(location)
    return _fetch_local(path, snapshot_dir, source, location)
