"""dim_territory_geometry: one row per territory of dim_territory (commune, canton, EPCI, département,
région) with its outline as GeoJSON text (WGS84), simplified for a map, and how it was obtained.

A dbt Python model (dbt-duckdb runs it in the build's process): the geometry work needs shapely, which
DuckDB has no way to do without its spatial extension (a download the machines cannot make).

- commune: the union of the contours published under its code and under the codes that make it up
  today (int_commune_contours: a commune nouvelle published under its old codes in the IGN COG 2018 files);
- canton, EPCI: the union of their communes in the COG vintage loaded (the communes the indicators count);
- département, région: the contour published for it when there is one, else the union of its communes.
A territory one of whose communes has no contour gets no outline (a partial outline would mislead on a
map): geometry_method ``incomplet``, with the count in n_communes_without_contour (the communes are
listed in quality_commune_contours).
"""

import numpy as np
import pandas as pd
import shapely

LEVELS = ("commune", "canton", "epci", "departement", "region")
# Douglas-Peucker tolerance per level, in degrees (0.001 degree of latitude is about 110 m).
TOLERANCE = {"commune": 0.0003, "canton": 0.0006, "epci": 0.0006, "departement": 0.0015, "region": 0.003}
MEMBER_COLUMN = {"commune": "commune_code", "canton": "canton_code", "epci": "epci_code",
                 "departement": "departement_code", "region": "region_code"}


def _column(values) -> np.ndarray:
    """A column fetched with ``fetchnumpy`` as an object array, NULL as None."""
    out = np.array(np.ma.getdata(values), dtype=object)
    out[np.ma.getmaskarray(values)] = None
    return out


def _shapes(texts: np.ndarray) -> np.ndarray:
    geoms = shapely.from_geojson(texts, on_invalid="ignore")
    invalid = ~shapely.is_valid(geoms) & ~shapely.is_missing(geoms)
    geoms[invalid] = shapely.make_valid(geoms[invalid])
    return geoms


def _groups(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(distinct codes, group of each element, elements ordered by group then by position)."""
    group, distinct = pd.factorize(codes)
    return distinct, group, np.argsort(group, kind="stable")


def _unions(geoms: np.ndarray, group: np.ndarray, order: np.ndarray, todo: np.ndarray) -> np.ndarray:
    """Per group of ``todo`` (a mask over the groups): its one geometry, or the union of its geometries
    taken in their order (``shapely.union_all`` on a row per group, None cells ignored); None elsewhere."""
    counts = np.bincount(group, minlength=len(todo))
    starts = np.cumsum(counts) - counts
    out = np.full(len(todo), None, dtype=object)
    single = todo & (counts == 1)
    out[single] = geoms[order[starts[single]]]
    multi = todo & (counts > 1)
    if multi.any():
        sorted_group = group[order]
        keep = multi[sorted_group]
        rows = np.cumsum(multi) - 1   # row of each group to union in the table
        table = np.full((int(multi.sum()), int(counts[multi].max())), None, dtype=object)
        position = np.arange(len(order)) - starts[sorted_group]
        table[rows[sorted_group[keep]], position[keep]] = geoms[order[keep]]
        out[multi] = shapely.union_all(table, axis=1)
    return out


def _texts(geoms: np.ndarray, tolerance: np.ndarray) -> np.ndarray:
    """GeoJSON texts of ``geoms`` (None stays None), simplified with the tolerance of each, 5 decimals."""
    present = ~shapely.is_missing(geoms)
    out = np.full(len(geoms), None, dtype=object)
    if present.any():
        simple = shapely.set_precision(shapely.simplify(geoms[present], tolerance[present], preserve_topology=True),
                                       1e-5)
        texts = shapely.to_geojson(simple)
        texts[shapely.is_empty(simple)] = None
        out[present] = texts
    return out


def model(dbt, session):
    dbt.config(materialized="table")
    contours = dbt.ref("int_commune_contours").filter("commune_code is not null").project(
        "commune_code, geometry_geojson").fetchnumpy()
    published = dbt.ref("stg_admin_contours").filter("contour_level in ('departement', 'region')").project(
        "contour_level, contour_code, geometry_geojson").fetchnumpy()
    communes = {k: _column(v) for k, v in dbt.ref("dim_commune").project(
        "commune_code, canton_code, epci_code, departement_code, region_code").fetchnumpy().items()}
    levels = ", ".join(f"'{v}'" for v in LEVELS)
    territories = dbt.ref("dim_territory").filter(f"territory_level in ({levels})").project(
        "territory_level, territory_code, territory_name, in_territory").df()

    # the shape of each commune of dim_commune (None without a contour): its contour, or the union of
    # the contours published under its code, in their order
    codes = _column(contours["commune_code"])
    distinct, group, order = _groups(codes)
    commune_shape = _unions(_shapes(_column(contours["geometry_geojson"])), group, order,
                            np.ones(len(distinct), dtype=bool))
    index = dict(zip(distinct, range(len(distinct))))
    at = np.fromiter((index.get(c, -1) for c in communes["commune_code"]), dtype=np.intp,
                     count=len(communes["commune_code"]))
    member_shape = np.full(len(at), None, dtype=object)
    member_shape[at >= 0] = commune_shape[at[at >= 0]]
    published_shape = dict(zip(zip(_column(published["contour_level"]), _column(published["contour_code"])),
                               _shapes(_column(published["geometry_geojson"]))))

    parts = []
    for level in LEVELS:   # a group per territory with numpy (a pandas group per territory costs minutes)
        col = communes[MEMBER_COLUMN[level]]
        member = np.flatnonzero(pd.notna(col))
        distinct, group, order = _groups(col[member])
        shapes = member_shape[member]
        n = np.bincount(group, minlength=len(distinct))
        missing = np.bincount(group, weights=shapely.is_missing(shapes), minlength=len(distinct)).astype(np.int64)
        own = np.array([published_shape.get((level, code)) for code in distinct], dtype=object)
        has_own = ~shapely.is_missing(own)
        union = ~has_own & (missing == 0)
        geoms = np.where(has_own, own, _unions(shapes, group, order, union))
        method = np.where(has_own | (union & (level == "commune")), "contour_publie",
                          np.where(union, "reunion_des_communes", "incomplet")).astype(object)
        parts.append((level, distinct, n.astype(np.int64), missing, method, geoms))
    geoms = np.concatenate([p[5] for p in parts])
    tolerance = np.concatenate([np.full(len(p[1]), TOLERANCE[p[0]]) for p in parts])
    shapes = pd.DataFrame({
        "territory_level": np.concatenate([np.full(len(p[1]), p[0], dtype=object) for p in parts]),
        "territory_code": np.concatenate([p[1] for p in parts]),
        "n_communes": np.concatenate([p[2] for p in parts]),
        "n_communes_without_contour": np.concatenate([p[3] for p in parts]),
        "geometry_method": np.concatenate([p[4] for p in parts]),
        "geometry_geojson": _texts(geoms, tolerance)})
    out = territories.merge(shapes, on=["territory_level", "territory_code"], how="left")
    out["n_communes"] = out["n_communes"].fillna(0).astype("int64")
    out["n_communes_without_contour"] = out["n_communes_without_contour"].fillna(0).astype("int64")
    out["geometry_method"] = out["geometry_method"].fillna("incomplet")
    out["in_territory"] = out["in_territory"].fillna(False).astype(bool)
    order = {level: i for i, level in enumerate(LEVELS)}
    out = out.sort_values(["territory_level", "territory_code"], key=lambda s: s.map(order) if s.name ==
                          "territory_level" else s).reset_index(drop=True)
    return out[["territory_level", "territory_code", "territory_name", "in_territory", "n_communes",
                "n_communes_without_contour", "geometry_method", "geometry_geojson"]]
