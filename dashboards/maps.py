"""Maps drawn from the contours the product loads (marts.dim_territory_geometry): no tile server, so a map
makes sense offline. Choropleth polygons, the selected territory's outline, names, a view fitted to the
territory, and the French legend of the classes."""

from __future__ import annotations

import json
import math

import pandas as pd
import pydeck as pdk

from dashboards import queries
from dashboards.formatting import fr_number

# Sequential palette (light to dark), one colour per class; no value: light grey.
PALETTE = [[255, 255, 204], [161, 218, 180], [65, 182, 196], [44, 127, 184], [37, 52, 148]]
NO_VALUE = [225, 225, 225]
OUTLINE = [60, 60, 60]
MAP_HEIGHT = 480
MAP_WIDTH = 900   # the map's width in a wide page at 1280 px, sidebar open; used to fit the view


def unit_for(level: str, n_communes: int | None) -> str:
    """The unit a territory's map is drawn with: its communes, its EPCI beyond 1,500 communes (a région,
    a large département), the départements for France."""
    if level == "france":
        return "departement"
    if level == "region" or (n_communes or 0) > 1500:
        return "epci"
    return "commune"


def rings(geometry: str | None) -> list[list[list[list[float]]]]:
    """The polygons of a GeoJSON Polygon or MultiPolygon (text), each a list of rings."""
    if not geometry:
        return []
    g = json.loads(geometry)
    if g.get("type") == "Polygon":
        return [g["coordinates"]]
    if g.get("type") == "MultiPolygon":
        return list(g["coordinates"])
    return []


def bounds(geometries) -> tuple[float, float, float, float] | None:
    """(min lon, min lat, max lon, max lat) of GeoJSON geometries (text), None without any."""
    xs, ys = [], []
    for geometry in geometries:
        for polygon in rings(geometry):
            for x, y in polygon[0]:
                xs.append(x)
                ys.append(y)
    return (min(xs), min(ys), max(xs), max(ys)) if xs else None


# Metropolitan France (west, south, east, north): the view of a map of France, whose overseas départements
# would otherwise shrink it to a dot (they stay drawn: the reader pans or zooms to them).
METROPOLE = (-5.2, 41.3, 9.6, 51.1)


def merc(lat: float) -> float:
    """Web Mercator's y of a latitude (radians of the 2-pi-wide world)."""
    lat = max(min(lat, 85.0), -85.0)
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def view(box: tuple[float, float, float, float], width: int = MAP_WIDTH, height: int = MAP_HEIGHT) -> pdk.ViewState:
    """The view showing the whole box (Web Mercator, deck.gl's 512-pixel world), with a small margin."""
    west, south, east, north = box
    lon_span = max(east - west, 1e-4)
    y_span = max(merc(north) - merc(south), 1e-6)
    zoom = min(math.log2(width * 360 / (512 * lon_span)), math.log2(height * 2 * math.pi / (512 * y_span)))
    mid_y = (merc(north) + merc(south)) / 2
    centre_lat = math.degrees(2 * math.atan(math.exp(mid_y)) - math.pi / 2)
    return pdk.ViewState(latitude=centre_lat, longitude=(west + east) / 2, zoom=max(zoom - 0.15, 1.0))


def classes(values: pd.Series, decimals: int, suffix: str = "") -> tuple[list[float], list[str]]:
    """Classes of equal counts (quantiles, five at most): their upper bounds and French legend labels. Zero,
    when present with other values (no tiers-lieu, a place in the commune), is a class of its own."""
    known = values.dropna().astype(float)
    if known.empty:
        return [], []
    zero = bool((known == 0).any()) and bool((known > 0).any())
    rest = known[known > 0] if zero else known
    quantiles = (0.25, 0.5, 0.75, 1.0) if zero else (0.2, 0.4, 0.6, 0.8, 1.0)
    cuts = ([0.0] if zero else []) + sorted(set(round(float(rest.quantile(q)), decimals) for q in quantiles))
    if not zero and len(cuts) == 1 and float(known.min()) < cuts[0]:
        cuts = [float(known.min())] + cuts
    labels, low = [], None
    for high in cuts:
        if low is None:
            labels.append(fr_number(high, 0 if high == 0 else decimals, suffix) if zero or high == float(known.min())
                          else f"jusqu'à {fr_number(high, decimals, suffix)}")
        elif low == 0 and zero:
            labels.append(f"plus de 0 à {fr_number(high, decimals, suffix)}")
        else:
            labels.append(f"de {fr_number(low, decimals, suffix)} à {fr_number(high, decimals, suffix)}")
        low = high
    return cuts, labels


def colour(value, cuts: list[float]) -> list[int]:
    """The class colour of a value: the palette spread over the classes, light (low) to dark (high)."""
    if value is None or pd.isna(value) or not cuts:
        return NO_VALUE
    n = len(cuts)
    for i, high in enumerate(cuts):
        if float(value) <= high:
            return PALETTE[0 if n == 1 else round(i * (len(PALETTE) - 1) / (n - 1))]
    return PALETTE[-1]


def legend_html(cuts: list[float], labels: list[str], title: str, no_value: str) -> str:
    """The choropleth's legend (HTML): a swatch and a French label per class, then the 'no value' swatch."""
    swatch = ("<span style='display:inline-block;width:14px;height:14px;margin-right:4px;vertical-align:middle;"
              "border:1px solid #999;background:rgb({})'></span>{}")
    items = [swatch.format(",".join(map(str, colour(high, cuts))), label) for high, label in zip(cuts, labels)]
    items.append(swatch.format(",".join(map(str, NO_VALUE)), no_value))
    return f"**{title}** : " + " &nbsp; ".join(items)


def polygons(units: pd.DataFrame, value: str, decimals: int, suffix: str, cuts: list[float]) -> pd.DataFrame:
    """One row per polygon of the units (a MultiPolygon gives several), with its colour and tooltip."""
    rows = []
    for u in units.itertuples():
        v = getattr(u, value)
        shown = "non calculé" if v is None or pd.isna(v) else fr_number(v, decimals, suffix)
        for polygon in rings(u.geometry):
            rows.append({"rings": polygon, "color": colour(v, cuts), "label": u.name, "detail": shown})
    return pd.DataFrame(rows, columns=["rings", "color", "label", "detail"])


def choropleth_layer(data: pd.DataFrame) -> pdk.Layer:
    return pdk.Layer("PolygonLayer", data, get_polygon="rings", get_fill_color="color", get_line_color=[90, 90, 90],
                     line_width_min_pixels=0.5, stroked=True, filled=True, opacity=0.75, pickable=True)


def outline_layer(geometry: str | None) -> pdk.Layer | None:
    """The selected territory's outline, a thick dark line."""
    data = [{"path": ring} for polygon in rings(geometry) for ring in polygon[:1]]
    if not data:
        return None
    return pdk.Layer("PathLayer", data, get_path="path", get_color=OUTLINE, width_min_pixels=3, pickable=False)


def centres(units: pd.DataFrame) -> pd.DataFrame:
    """Each unit's label point: the middle of the box of its largest polygon (enough to place a name)."""
    rows = []
    for u in units.itertuples():
        polys = rings(u.geometry)
        if not polys:
            continue
        outer = max((poly[0] for poly in polys), key=len)
        xs, ys = [x for x, _ in outer], [y for _, y in outer]
        rows.append({"name": u.name, "population": u.population, "longitude": (min(xs) + max(xs)) / 2,
                     "latitude": (min(ys) + max(ys)) / 2})
    return pd.DataFrame(rows, columns=["name", "population", "longitude", "latitude"])


NAME_SIZE = 13   # pixels


def placed_names(points: pd.DataFrame, box: tuple[float, float, float, float] | None, limit: int = 12,
                 size: int = NAME_SIZE) -> pd.DataFrame:
    """The names to write, most populated first, each kept only if its box on the screen (its width
    estimated from its letters, at the zoom that fits ``box``) overlaps no name kept before: around a city,
    the city's name rather than its suburbs' names written over it."""
    ordered = points.sort_values("population", ascending=False, na_position="last")
    scale = 512 * 2 ** (view(box).zoom if box else 4.6) / (2 * math.pi)   # pixels per radian of the world
    kept, boxes = [], []
    for row in ordered.itertuples():
        x, y = scale * math.radians(row.longitude), scale * merc(row.latitude)
        half_w, half_h = (0.6 * size * len(str(row.name)) + 8) / 2, 0.8 * size
        if any(abs(x - bx) < half_w + bw and abs(y - by) < half_h + bh for bx, by, bw, bh in boxes):
            continue
        kept.append(row.Index)
        boxes.append((x, y, half_w, half_h))
        if len(kept) == limit:
            break
    return points.loc[kept]


def names_layer(units: pd.DataFrame, box: tuple[float, float, float, float] | None = None,
                limit: int = 12) -> pdk.Layer | None:
    """The names of the most populated units that fit without overlapping (:func:`placed_names`), so that a
    reader finds their commune without a base map."""
    points = centres(units)
    if points.empty:
        return None
    top = placed_names(points, box, limit)
    # character_set 'auto': the letters of the names (accents included). pydeck reads a string prop as a
    # JavaScript expression, hence the quotes inside the string.
    return pdk.Layer("TextLayer", top, get_position=["longitude", "latitude"], get_text="name", get_size=NAME_SIZE,
                     get_color=[20, 20, 20], character_set="'auto'", font_family="'Helvetica, Arial, sans-serif'",
                     font_weight=600, outline_width=2,
                     outline_color=[255, 255, 255], font_settings={"sdf": True})


def deck(layers: list, box: tuple[float, float, float, float] | None) -> pdk.Deck:
    """A map without base map (no tile server: the contours are the map), fitted to ``box``."""
    start = view(box) if box else pdk.ViewState(latitude=46.6, longitude=2.4, zoom=4.6)
    return pdk.Deck(layers=[layer for layer in layers if layer is not None], initial_view_state=start,
                    map_provider=None, map_style=None, tooltip={"text": "{label}\n{detail}"})


def units_of(t) -> tuple[str, pd.DataFrame, bool]:
    """(unit, units, fallback) of a territory's map: its communes (EPCI for a région or more than 1,500
    communes, départements for France), a commune among those of its EPCI; where none of them has a contour
    (the real files hold communes for five départements only), the départements of its région
    (``fallback``), which every contour file publishes. ``units`` as :func:`queries.map_units`."""
    summary = queries.summary(t.level, t.code)
    unit = unit_for(t.level, None if summary is None else summary.n_communes)
    epci = queries.parents("commune", t.code).get("epci") if t.level == "commune" else None
    units = queries.map_units("epci", epci, unit) if epci else queries.map_units(t.level, t.code, unit)
    if unit != "departement" and units.geometry.isna().all():
        region = t.code if t.level == "region" else queries.parents(t.level, t.code).get("region")
        if region:
            return "departement", queries.map_units("region", region, "departement"), True
    return unit, units, False


def fitted_box(t, drawn: pd.DataFrame, selected) -> tuple[float, float, float, float] | None:
    """The box a map of ``t`` shows: metropolitan France, the territory's outline, else its units."""
    if t.level == "france":
        return METROPOLE
    if t.level != "commune" and selected is not None and selected.geometry:
        return bounds([selected.geometry])
    return bounds(drawn.geometry)
