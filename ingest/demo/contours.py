"""Contours of a synthetic territory, in the format of the IGN Admin Express GeoJSON files the
``admin_contours`` source reads (``FeatureCollection``, ``Polygon`` / ``MultiPolygon`` in WGS84,
properties ``code`` and ``nom``, coordinates with 5 decimals).

Communes are the Voronoi cells of their centres (the centres the mirror's communes-france file
publishes), clipped to an outline of their département drawn around its centres (a concave hull
widened by :data:`MARGIN_KM`); départements and régions are the union of their communes. As in the IGN
files of COG 2018, a commune that has communes déléguées today is published under its old codes: its cell
is cut in as many slices as it has codes (the COG's ``COMD`` rows), so the warehouse must bring them
back to the commune through the code history. Nothing here is a real boundary.
"""

from __future__ import annotations

import csv
import json
import math
from collections import defaultdict
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import mapping

MARGIN_KM = 2.5
KM_PER_DEG = 111.195
FILES = {"commune": "ign/communes-avec-outre-mer.geojson",
         "departement": "ign/departements-avec-outre-mer.geojson",
         "region": "ign/regions-avec-outre-mer.geojson"}


def _rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _slices(cell, centre, n: int) -> list:
    """``cell`` cut in ``n`` angular slices around ``centre`` (the first one holds the centre's east)."""
    if n <= 1:
        return [cell]
    r = 10 * math.sqrt(cell.area) + 1.0
    cx, cy = centre.x, centre.y
    out = []
    for k in range(n):
        a0, a1 = 2 * math.pi * k / n, 2 * math.pi * (k + 1) / n
        arc = [(cx + r * math.cos(a0 + (a1 - a0) * t / 8), cy + r * math.sin(a0 + (a1 - a0) * t / 8)) for t in range(9)]
        out.append(cell.intersection(shapely.Polygon([(cx, cy), *arc])))
    return out


def _feature(code: str, nom: str, geom) -> dict:
    geom = shapely.set_precision(geom, 1e-5)
    return {"type": "Feature", "geometry": mapping(geom), "properties": {"code": code, "nom": nom}}


def _write(path: Path, features: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False,
                      separators=(",", ":"))
    path.write_text(text, encoding="utf-8")


def write_demo(out_dir: Path, drawn) -> dict[str, int]:
    """Write the contours files of the territory whose mirror is ``out_dir`` (its communes-france and COG
    files are already written there); ``drawn`` is not needed beyond them."""
    from ingest.demo import layout  # layout reads the source declarations, which import this module

    out_dir = Path(out_dir)
    communes = [r for r in _rows(out_dir / layout.GEO) if r["latitude_centre"] and r["longitude_centre"]]
    deleguees = defaultdict(list)
    for r in _rows(out_dir / layout.COG):
        if r["TYPECOM"] == "COMD" and r["COMPARENT"]:
            deleguees[r["COMPARENT"]].append((r["COM"], r["LIBELLE"]))
    lat = np.array([float(r["latitude_centre"]) for r in communes])
    lon = np.array([float(r["longitude_centre"]) for r in communes])
    k = math.cos(math.radians(float(np.mean(lat))))   # a local equirectangular plane: x = lon * k, y = lat
    points = shapely.points(lon * k, lat)
    margin = MARGIN_KM / KM_PER_DEG
    envelope = shapely.box(*shapely.MultiPoint(points).bounds).buffer(10 * margin)
    cells = shapely.voronoi_polygons(shapely.MultiPoint(points), extend_to=envelope, ordered=True)
    cells = np.array(shapely.get_parts(cells))
    by_dep = defaultdict(list)
    for i, r in enumerate(communes):
        by_dep[r["dep_code"]].append(i)
    commune_features, dep_geoms, dep_names, reg_of, reg_names = [], {}, {}, {}, {}
    for dep, idx in sorted(by_dep.items()):
        outline = shapely.concave_hull(shapely.MultiPoint(points[idx]), ratio=0.4).buffer(margin, quad_segs=6)
        clipped = shapely.intersection(cells[idx], outline)
        for i, cell in zip(idx, clipped):
            r = communes[i]
            parts = [(r["code_insee"], r["nom_standard"]), *deleguees.get(r["code_insee"], [])]
            for (code, nom), piece in zip(parts, _slices(cell, points[i], len(parts))):
                commune_features.append((code, nom, piece))
        dep_geoms[dep] = shapely.union_all(clipped)
        dep_names[dep] = communes[idx[0]]["dep_nom"]
        reg_of[dep] = communes[idx[0]]["reg_code"]
        reg_names[reg_of[dep]] = communes[idx[0]]["reg_nom"]

    def back(geom):   # from the local plane to longitude, latitude
        return shapely.transform(geom, lambda xy: xy / np.array([k, 1.0]))

    written = {}
    features = [_feature(code, nom, back(g)) for code, nom, g in sorted(commune_features, key=lambda f: f[0])]
    _write(out_dir / FILES["commune"], features)
    written[FILES["commune"]] = len(features)
    features = [_feature(dep, dep_names[dep], back(g)) for dep, g in sorted(dep_geoms.items())]
    _write(out_dir / FILES["departement"], features)
    written[FILES["departement"]] = len(features)
    regions = defaultdict(list)
    for dep, reg in reg_of.items():
        regions[reg].append(dep_geoms[dep])
    features = [_feature(reg, reg_names[reg], back(shapely.union_all(g))) for reg, g in sorted(regions.items())]
    _write(out_dir / FILES["region"], features)
    written[FILES["region"]] = len(features)
    return written
