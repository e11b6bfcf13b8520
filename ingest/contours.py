"""Loader of source ``admin_contours``: administrative boundaries (IGN Admin Express COG, GeoJSON).

The format is the one of the simplified IGN files republished by github.com/gregoiredavid/france-geojson
(and of the demo's): a GeoJSON ``FeatureCollection`` per level, each feature a ``Polygon`` or
``MultiPolygon`` in WGS84 with the properties ``code`` and ``nom``. The level is in the file's name,
which starts with it (``communes-54-meurthe-et-moselle.geojson``, ``departements-avec-outre-mer.geojson``,
``regions-avec-outre-mer.geojson``, ``cantons-...``): a file whose name names no level is refused whole.

Raw layout (``raw.admin_contours``): ``level`` (commune, canton, departement, region), ``code``, ``nom``
as published, ``geometry`` (the feature's geometry as GeoJSON text, coordinates as published) and the
lineage columns. A feature is rejected (``raw.admin_contours_rejects``, French reason naming the file and
the feature) when it has no code, a code that is not one of its level, no polygon geometry, or the
same level and code as an earlier feature. No geometry work here: dbt brings the codes to the COG
vintage (``int_commune_contours``) and ``dim_territory_geometry`` merges and simplifies (shapely).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import duckdb
import pyarrow as pa

from ingest.config import Settings
from ingest.contracts import DEPARTEMENT, INSEE_COMMUNE
from ingest.errors import ContractError
from ingest.fetch import Snapshot, mark_loaded
from ingest.load import LINEAGE, FileResult, LoadResult, replace_raw

SOURCE = "admin_contours"
#: file name prefix -> (level, pattern of its codes)
LEVELS = {
    "communes": ("commune", INSEE_COMMUNE),
    "cantons": ("canton", r"(?:\d{2}|2[AB]|\d{3})\d{2}"),
    "departements": ("departement", DEPARTEMENT),
    "regions": ("region", r"\d{2}"),
}
COLUMNS = ("level", "code", "nom", "geometry")
POLYGONS = ("Polygon", "MultiPolygon")


def level_of(name: str) -> tuple[str, str] | None:
    """The level and code pattern of a contours file, from its name (``None`` when it names none)."""
    stem = Path(name).name.lower()
    for prefix, level in LEVELS.items():
        if stem.startswith(prefix):
            return level
    return None


def load(con: duckdb.DuckDBPyConnection, snapshots: list[Snapshot], settings: Settings | None = None) -> LoadResult:
    loaded: dict[str, list] = {c: [] for c in (*COLUMNS, *LINEAGE)}
    rejects: dict[str, list] = {c: [] for c in (*LINEAGE, "reason", "record")}
    files: list[FileResult] = []
    seen: dict[tuple[str, str], str] = {}
    for snap in snapshots:
        name = Path(snap.location).name
        level = level_of(name)
        if level is None:
            raise ContractError(SOURCE, f"le nom du fichier « {name} » doit commencer par le niveau de ses contours "
                                        f"({', '.join(LEVELS)}).", location=snap.location)
        level_name, pattern = level
        try:
            data = json.loads(Path(snap.path).read_text(encoding="utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ContractError(SOURCE, f"fichier GeoJSON illisible ({exc}).", location=snap.location) from exc
        features = data.get("features") if isinstance(data, dict) else None
        if data.get("type") != "FeatureCollection" or not isinstance(features, list):
            raise ContractError(SOURCE, "une collection d'entités GeoJSON (FeatureCollection) est attendue.",
                                location=snap.location)
        fr = FileResult(snapshot=snap, encoding="utf-8", separator="", format="geojson")
        for i, feature in enumerate(features, start=1):
            fr.rows_read += 1
            props = (feature or {}).get("properties") or {}
            geometry = (feature or {}).get("geometry") or {}
            code = str(props.get("code") or "").strip()
            nom = str(props.get("nom") or "").strip()
            reason = None
            if not code:
                reason = "propriété « code » absente ou vide"
            elif not re.fullmatch(pattern, code):
                reason = f"propriété « code » : valeur « {code} » invalide pour un contour de {level_name}"
            elif geometry.get("type") not in POLYGONS or not geometry.get("coordinates"):
                reason = f"géométrie « {geometry.get('type')} » : un polygone (Polygon ou MultiPolygon) est attendu"
            elif (level_name, code) in seen:
                reason = f"doublon : même code ({code}) que {seen[level_name, code]}"
            lineage = (SOURCE, name, snap.sha256, i, i)
            if reason is None:
                seen[level_name, code] = f"{name} entité {i}"
                fr.rows_loaded += 1
                for c, v in zip(COLUMNS, (level_name, code, nom or None,
                                          json.dumps(geometry, separators=(",", ":")))):
                    loaded[c].append(v)
                for c, v in zip(LINEAGE, lineage):
                    loaded[c].append(v)
            else:
                fr.rows_rejected += 1
                for c, v in zip(LINEAGE, lineage):
                    rejects[c].append(v)
                rejects["reason"].append(f"{name}, entité {i} : {reason}")
                rejects["record"].append(json.dumps(props, ensure_ascii=False))
        files.append(fr)
    ints = {"_row", "_line"}
    loaded_tbl = pa.table({k: pa.array(v, type=pa.int64() if k in ints else pa.string()) for k, v in loaded.items()})
    rejects_tbl = pa.table({k: pa.array(v, type=pa.int64() if k in ints else pa.string()) for k, v in rejects.items()})
    replace_raw(con, SOURCE, loaded_tbl, rejects_tbl, files)
    for f in files:
        mark_loaded(f.snapshot)
    return LoadResult(source=SOURCE, files=files)
