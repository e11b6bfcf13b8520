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


def _shapes(texts: pd.Series) -> np.ndarray:
    geoms = shapely.from_geojson(texts.to_numpy(dtype=object), on_invalid="ignore")
    invalid = ~shapely.is_valid(geoms) & ~shapely.is_missing(geoms)
    geoms[invalid] = shapely.make_valid(geoms[invalid])
    return geoms


def _texts(geoms: list, level: str) -> list:
    """GeoJSON texts of ``geoms`` (None stays None), simplified for the level, 5 decimals."""
    arr = np.array(geoms, dtype=object)
    present = ~shapely.is_missing(arr)
    out = np.full(len(arr), None, dtype=object)
    if present.any():
        simple = shapely.set_precision(shapely.simplify(arr[present], TOLERANCE[level], preserve_topology=True), 1e-5)
        texts = shapely.to_geojson(simple)
        texts[shapely.is_empty(simple)] = None
        out[present] = texts
    return list(out)


def model(dbt, session):
    dbt.config(materialized="table")
    contours = dbt.ref("int_commune_contours").filter("commune_code is not null").df()
    published = dbt.ref("stg_admin_contours").filter("contour_level in ('departement', 'region')").df()
    communes = dbt.ref("dim_commune").project(
        "commune_code, canton_code, epci_code, departement_code, region_code").df()
    levels = ", ".join(f"'{v}'" for v in LEVELS)
    territories = dbt.ref("dim_territory").filter(f"territory_level in ({levels})").project(
        "territory_level, territory_code, territory_name, in_territory").df()

    contours["shape"] = _shapes(contours["geometry_geojson"])
    parts: dict[str, list] = {}
    for code, shape in zip(contours["commune_code"], contours["shape"]):
        parts.setdefault(code, []).append(shape)
    commune_shape = {code: shapes[0] if len(shapes) == 1 else shapely.union_all(shapes)
                     for code, shapes in parts.items()}
    published["shape"] = _shapes(published["geometry_geojson"])
    published_shape = {(row.contour_level, row.contour_code): row.shape for row in published.itertuples()}

    rows = []
    for level in LEVELS:   # plain dictionaries: a pandas group per territory costs minutes at national scale
        col = MEMBER_COLUMN[level]
        members: dict[str, list] = {}
        for code, commune in zip(communes[col], communes["commune_code"]):
            if code is not None and code == code:   # not null (None or NaN)
                members.setdefault(code, []).append(commune_shape.get(commune))
        geoms, level_rows = [], []
        for code, shapes in members.items():
            missing = sum(g is None for g in shapes)
            own = published_shape.get((level, code))
            if own is not None:
                geom, method = own, "contour_publie"
            elif missing:
                geom, method = None, "incomplet"
            else:
                geom = shapes[0] if len(shapes) == 1 else shapely.union_all(shapes)
                method = "contour_publie" if level == "commune" else "reunion_des_communes"
            geoms.append(geom)
            level_rows.append((level, code, len(shapes), missing, method))
        rows += [(*row, text) for row, text in zip(level_rows, _texts(geoms, level))]
    shapes = pd.DataFrame(rows, columns=["territory_level", "territory_code", "n_communes",
                                         "n_communes_without_contour", "geometry_method", "geometry_geojson"])
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
