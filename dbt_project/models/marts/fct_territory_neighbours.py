"""fct_territory_neighbours: the territories that touch each other (communes, EPCI, départements, régions),
from their outlines (dim_territory_geometry): the fiche of a territory shows its neighbours beside the
territories that resemble it.

A dbt Python model (shapely; DuckDB has no geometry without its downloadable spatial extension). Two
territories of the same level are neighbours when their outlines come within 0.001 degree (about 100 m) of
each other: the outlines are simplified for maps, so two territories sharing a border may show a thin gap
or overlap. A territory without outline (geometry_method incomplet) has no neighbour row.
"""

import pandas as pd
import shapely

LEVELS = ("commune", "epci", "departement", "region")
GAP = 0.001   # degrees


def model(dbt, session):
    dbt.config(materialized="table")
    levels = ", ".join(f"'{v}'" for v in LEVELS)
    geometries = dbt.ref("dim_territory_geometry").filter(
        f"territory_level in ({levels}) and geometry_geojson is not null").project(
        "territory_level, territory_code, territory_name, geometry_geojson").df()
    frames = []
    for level, rows in geometries.groupby("territory_level", sort=True):
        rows = rows.reset_index(drop=True)
        shapes = shapely.from_geojson(rows["geometry_geojson"].to_numpy(dtype=object), on_invalid="ignore")
        # Candidate pairs: the outlines whose box meets a box grown by GAP; then the exact distance test, in one
        # vectorised call (cheaper than the tree's own dwithin, which prepares every outline for a few tests).
        xmin, ymin, xmax, ymax = shapely.bounds(shapes).T
        left, right = shapely.STRtree(shapes).query(shapely.box(xmin - GAP, ymin - GAP, xmax + GAP, ymax + GAP))
        near = shapely.dwithin(shapes[left], shapes[right], GAP)
        left, right = left[near], right[near]
        keep = left != right
        frames.append(pd.DataFrame({
            "territory_level": level,
            "territory_code": rows["territory_code"].to_numpy()[left[keep]],
            "neighbour_code": rows["territory_code"].to_numpy()[right[keep]],
            "neighbour_name": rows["territory_name"].to_numpy()[right[keep]],
        }))
    columns = ["territory_level", "territory_code", "neighbour_code", "neighbour_name"]
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)
    return out[columns].astype({"territory_code": "string", "neighbour_code": "string"}).sort_values(
        columns[:3]).reset_index(drop=True)
