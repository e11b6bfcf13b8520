"""Loader of source ``admin_contours``: administrative boundaries (GeoJSON, WGS84).

The layouts it reads are declared in ``ingest/sources/admin_contours.py`` (``LAYOUTS``): the simplified IGN
files of github.com/gregoiredavid/france-geojson and Etalab's « contours administratifs » (properties
``code`` and ``nom``), IGN Admin Express converted to GeoJSON (``INSEE_COM``, ``NOM``...), OpenDataSoft's
georef-france exports (``com_code``, ``com_name``, values sometimes in one-element lists). A file is a
``FeatureCollection`` (or a single ``Feature``: france-geojson's ``departement-01-ain.geojson``), each
feature a ``Polygon`` or ``MultiPolygon`` in longitude/latitude degrees. The level is in the file's name
(``LEVEL_NAMES``: ``communes-54-meurthe-et-moselle.geojson``, ``COMMUNE.geojson``, ``epci-100m.geojson``),
the layout in the property that holds the code of that level in the first feature.

A file is refused whole (``ContractError``, French message naming the file and what to take instead) when
its name names no level, when no layout's code property is in its first feature, when it is not GeoJSON
(Shapefile, GeoPackage, 7-Zip archive of Admin Express, invalid or cut JSON) and when its coordinates are
not WGS84 degrees (a ``crs`` other than WGS84, or coordinates out of range: Lambert-93 would be drawn off
the map). A gzip-compressed GeoJSON (Etalab publishes ``communes-100m.geojson.gz``) is read as is.

Raw layout (``raw.admin_contours``): ``level`` (commune, canton, departement, region, epci,
arrondissement_municipal, commune_deleguee), ``code``, ``nom`` as published, ``geometry`` (the feature's
geometry as GeoJSON text, coordinates as published) and the lineage columns. A feature is rejected
(``raw.admin_contours_rejects``, French reason naming the file and the feature) when it has no code, a
code that is not one of its level, several codes, no polygon geometry, or the same level and code as an
earlier feature. No geometry work here: dbt brings the codes to the COG vintage (``int_commune_contours``)
and ``dim_territory_geometry`` merges and simplifies (shapely); only commune, département and région
contours are drawn, the other levels being the union of their communes.
"""

from __future__ import annotations

import gzip
import json
import re
import zipfile
from pathlib import Path

import duckdb
import pyarrow as pa

from ingest.config import Settings
from ingest.contracts import DEPARTEMENT, INSEE_COMMUNE, SIREN
from ingest.errors import ContractError
from ingest.fetch import Snapshot, mark_loaded
from ingest.load import LINEAGE, FileResult, LoadResult, add_reject, reject_columns, replace_raw
from ingest.sources.admin_contours import LAYOUTS, LEVEL_NAMES, ContourLayout

SOURCE = "admin_contours"
#: level -> (pattern of its codes, French label)
LEVELS = {
    "commune": (INSEE_COMMUNE, "commune"),
    "canton": (r"(?:\d{2}|2[AB]|\d{3})\d{2}", "canton"),
    "departement": (DEPARTEMENT, "département"),
    "region": (r"\d{2}", "région"),
    "epci": (SIREN, "EPCI"),
    "arrondissement_municipal": (INSEE_COMMUNE, "arrondissement municipal"),
    "commune_deleguee": (INSEE_COMMUNE, "commune associée ou déléguée"),
}
COLUMNS = ("level", "code", "nom", "geometry")
POLYGONS = ("Polygon", "MultiPolygon")
_WGS84 = re.compile(r"CRS84|(?:EPSG)?:+4326$|WGS\s*84", re.IGNORECASE)
_CRS_NAMES = {"2154": "Lambert-93", "3857": "Web Mercator", "27572": "Lambert II étendu", "4171": "RGF93 géographique",
              "5490": "UTM 20N (Antilles)", "2972": "UTM 22N (Guyane)", "2975": "UTM 40S (La Réunion)"}
_TAKE_GEOJSON = ("Prenez l'édition GeoJSON en longitudes/latitudes WGS84 de la même publication (contours "
                 "administratifs d'Etalab : communes-100m.geojson, departements-100m.geojson, regions-100m.geojson ; "
                 "ou france-geojson), ou convertissez le fichier avec GDAL en gardant le nom de la couche : "
                 "ogr2ogr -f GeoJSON -t_srs EPSG:4326 COMMUNE.geojson {name}{layer}.")


def level_of(name: str) -> tuple[str, str] | None:
    """The level and code pattern of a contours file, from its name (``None`` when it names none)."""
    stem = re.sub(r"[\s_]+", "-", Path(name).name.lower()).split(".")[0]
    for prefix, level in LEVEL_NAMES:
        if stem == prefix or re.match(re.escape(prefix) + r"[-0-9]", stem):
            return level, LEVELS[level][0]
    return None


def _refuse(message: str, location: str) -> ContractError:
    return ContractError(SOURCE, message, location=location)


def _read_text(path: Path, name: str, location: str) -> str:
    """The file's text; a file that is not GeoJSON text is refused with what to take instead."""
    with path.open("rb") as fh:
        head = fh.read(8)
    ext = Path(name).suffix.lower()
    if head.startswith(b"SQLite format 3") or ext == ".gpkg":
        raise _refuse("le fichier est un GeoPackage (.gpkg) : le produit lit les contours en GeoJSON, rien n'a été "
                      "chargé. " + _TAKE_GEOJSON.format(name=name, layer=" commune"), location)
    if head.startswith(b"\x00\x00\x27\x0a") or ext in (".shp", ".shx", ".dbf", ".prj", ".cpg"):
        raise _refuse("le fichier est une couche Shapefile (.shp, .dbf...) : le produit lit les contours en GeoJSON, "
                      "rien n'a été chargé. " + _TAKE_GEOJSON.format(name=name, layer=""), location)
    if head.startswith(b"7z\xbc\xaf\x27\x1c"):
        raise _refuse("le fichier est une archive 7-Zip (l'IGN publie Admin Express ainsi, en Shapefile ou "
                      "GeoPackage) : rien n'a été chargé. " + _TAKE_GEOJSON.format(name="COMMUNE.shp", layer=""), location)
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        try:
            with zipfile.ZipFile(path) as zf:
                members = ", ".join(zf.namelist()[:6])
        except (zipfile.BadZipFile, OSError):
            members = "illisible"
        raise _refuse(f"le fichier est une archive ZIP ({members}) : le produit lit un fichier GeoJSON par niveau, "
                      "rien n'a été chargé. Décompressez l'archive et déposez ses fichiers .geojson ; s'ils sont en "
                      "Shapefile : " + _TAKE_GEOJSON.format(name="COMMUNE.shp", layer=""), location)
    try:
        raw = gzip.decompress(path.read_bytes()) if head.startswith(b"\x1f\x8b") else path.read_bytes()
    except (OSError, EOFError) as exc:
        raise _refuse("archive gzip (.gz) tronquée ou corrompue : le téléchargement est probablement incomplet, "
                      "rien n'a été chargé ; téléchargez le fichier à nouveau.", location) from exc
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise _refuse(f"le fichier n'est pas du texte UTF-8 (octet {exc.start + 1}, ligne {line}) : un GeoJSON "
                      "s'écrit en UTF-8, rien n'a été chargé. Téléchargez à nouveau le fichier .geojson de la "
                      "publication, ou enregistrez-le en UTF-8.", location) from exc


def _parse(text: str, location: str) -> list:
    """The features of a GeoJSON text (a FeatureCollection, or a single Feature)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        where = f"ligne {exc.lineno}, colonne {exc.colno}"
        if not text.rstrip().endswith(("}", "]")):
            raise _refuse(f"le fichier GeoJSON s'arrête avant sa fin (JSON incomplet, {where}) : il a été coupé "
                          "pendant le téléchargement ou la copie, rien n'a été chargé. Téléchargez-le à nouveau."
                          , location) from exc
        raise _refuse(f"le fichier n'est pas un JSON valide ({where}) : rien n'a été chargé. Téléchargez-le à "
                      "nouveau depuis sa publication ; s'il a été modifié à la main, corrigez-le à cet endroit.",
                      location) from exc
    if isinstance(data, dict) and data.get("type") == "Feature":
        return [data]
    features = data.get("features") if isinstance(data, dict) else None
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection" or not isinstance(features, list):
        raise _refuse("le fichier n'est pas une collection d'entités GeoJSON (« FeatureCollection » avec sa liste "
                      "« features », ou une entité « Feature » seule) : rien n'a été chargé. Prenez le fichier "
                      ".geojson de la publication (un export JSON de tableau n'a pas de contours).", location)
    crs = data.get("crs")
    name = str(((crs or {}).get("properties") or {}).get("name") or "") if isinstance(crs, dict) else ""
    if name and not _WGS84.search(name):
        epsg = re.search(r"(\d{4,5})\s*$", name)
        known = _CRS_NAMES.get(epsg.group(1)) if epsg else None
        raise _refuse(f"système de coordonnées « {name} »{f' ({known})' if known else ''} : le produit attend des "
                      "longitudes et latitudes en degrés (WGS84, EPSG:4326) et ne reprojette pas, rien n'a été "
                      "chargé (les contours seraient dessinés hors de la carte). Prenez l'édition WGS84 de la "
                      "publication (Admin Express « WGS84G »), ou reprojetez le fichier : "
                      "ogr2ogr -f GeoJSON -t_srs EPSG:4326 sortie.geojson fichier.geojson.", location)
    return features


def _layout(level: str, features: list) -> ContourLayout | None:
    """The layout whose code property for ``level`` the first feature with properties holds."""
    props = next((f["properties"] for f in features if isinstance(f, dict) and isinstance(f.get("properties"), dict)
                  and f["properties"]), None)
    if props is None:
        return None
    keys = {k.lower() for k in props}
    return next((lay for lay in LAYOUTS if any(c.lower() in keys for c in lay.codes.get(level, ()))), None)


def _value(props: dict, names: tuple[str, ...]) -> tuple[str | None, str | None]:
    """(value, None) of the first property of ``names`` present (case ignored), or (None, why not)."""
    lower = {k.lower(): v for k, v in props.items()}
    for name in names:
        if name.lower() in lower:
            v = lower[name.lower()]
            if isinstance(v, list):   # OpenDataSoft writes ["01001"]
                if len(v) > 1:
                    return None, f"propriété « {name} » : plusieurs valeurs ({', '.join(map(str, v[:5]))})"
                v = v[0] if v else None
            text = "" if v is None else str(v).strip()
            return (text or None), (None if text else f"propriété « {name} » absente ou vide")
    return None, f"propriété « {names[0]} » absente ou vide"


def _first_position(coordinates):
    """The first position ([x, y]) of a geometry's coordinates, or None."""
    while isinstance(coordinates, list) and coordinates and isinstance(coordinates[0], list):
        coordinates = coordinates[0]
    return coordinates if isinstance(coordinates, list) and len(coordinates) >= 2 else None


def load(con: duckdb.DuckDBPyConnection, snapshots: list[Snapshot], settings: Settings | None = None) -> LoadResult:
    loaded: dict[str, list] = {c: [] for c in (*COLUMNS, *LINEAGE)}
    rejects = reject_columns()
    files: list[FileResult] = []
    seen: dict[tuple[str, str], str] = {}
    for snap in snapshots:
        name = Path(snap.location).name
        text = _read_text(Path(snap.path), name, snap.location)
        level = level_of(name)
        if level is None:
            raise _refuse(f"le nom du fichier « {name} » doit commencer par le niveau de ses contours (communes, "
                          "departements, regions, epci, cantons, arrondissements-municipaux ; ou COMMUNE, "
                          "DEPARTEMENT, REGION, EPCI d'Admin Express ; ou georef-france-commune) : rien n'a été "
                          f"chargé. Renommez le fichier, par exemple « communes-{name} ».", snap.location)
        file_level = level[0]
        features = _parse(text, snap.location)
        layout = _layout(file_level, features)
        if layout is None and features:
            first = next((f.get("properties") for f in features if isinstance(f, dict)
                          and isinstance(f.get("properties"), dict) and f["properties"]), None) or {}
            expected = ", ".join(f"« {lay.codes[file_level][0]} » ({lay.name})" for lay in LAYOUTS
                                 if file_level in lay.codes)
            raise _refuse(f"aucune propriété de la première entité ne donne le code d'un contour de "
                          f"{LEVELS[file_level][1]} (niveau lu dans le nom du fichier) : propriétés trouvées "
                          f"{', '.join(list(first)[:12]) or 'aucune'} ; attendue : {expected}. Rien n'a été chargé : "
                          "vérifiez que le nom du fichier dit bien son niveau, ou prenez une des publications "
                          "lues (docs/sources.md, « Contours »).", snap.location)
        fr = FileResult(snapshot=snap, encoding="utf-8", separator="", format="geojson",
                        vintage=layout.name if layout else None)
        for i, feature in enumerate(features, start=1):
            fr.rows_read += 1
            feature = feature if isinstance(feature, dict) else {}
            props = feature.get("properties") if isinstance(feature.get("properties"), dict) else {}
            geometry = feature.get("geometry") if isinstance(feature.get("geometry"), dict) else None
            level_name = file_level
            code, reason = _value(props, layout.codes[file_level]) if layout else (None, "entité vide")
            nom = _value(props, layout.names.get(file_level, ()))[0] if layout else None
            if code is not None and layout.arrondissement_of and file_level == "commune":
                parent = _value(props, (layout.arrondissement_of,))[0]
                if parent and parent != code:    # Etalab: an arrondissement municipal in the communes file
                    level_name = "arrondissement_municipal"
            position = _first_position(geometry.get("coordinates")) if geometry else None
            if not feature:
                reason = "entité qui n'est pas un objet GeoJSON « Feature »"
            elif reason is not None:
                pass
            elif not re.fullmatch(LEVELS[level_name][0], code):
                reason = (f"propriété « {layout.codes[file_level][0]} » : valeur « {code} » invalide pour un "
                          f"contour de {LEVELS[level_name][1]}")
            elif geometry is None:
                reason = "géométrie absente (null) : un polygone (Polygon ou MultiPolygon) est attendu"
            elif geometry.get("type") not in POLYGONS or position is None:
                reason = f"géométrie « {geometry.get('type')} » : un polygone (Polygon ou MultiPolygon) est attendu"
            elif not all(isinstance(v, (int, float)) for v in position[:2]):
                reason = "géométrie aux coordonnées non numériques"
            elif (level_name, code) in seen:
                reason = f"doublon : même code ({code}) que {seen[level_name, code]}"
            if reason is None and not (-180 <= position[0] <= 180 and -90 <= position[1] <= 90):
                raise _refuse(f"entité {i} ({code}) : coordonnées ({position[0]}, {position[1]}) qui ne sont pas "
                              "des longitudes et latitudes en degrés : le fichier est en coordonnées projetées "
                              "(Lambert-93, EPSG:2154, pour Admin Express), le produit ne reprojette pas et rien n'a "
                              "été chargé (les contours seraient dessinés hors de la carte). Prenez l'édition WGS84 "
                              "de la publication (Admin Express « WGS84G »), ou reprojetez le fichier : "
                              "ogr2ogr -f GeoJSON -t_srs EPSG:4326 sortie.geojson fichier.geojson.", snap.location)
            lineage = (SOURCE, name, snap.sha256, i, i)
            if reason is None:
                seen[level_name, code] = f"{name} entité {i}"
                fr.rows_loaded += 1
                for c, v in zip(COLUMNS, (level_name, code, nom, json.dumps(geometry, separators=(",", ":")))):
                    loaded[c].append(v)
                for c, v in zip(LINEAGE, lineage):
                    loaded[c].append(v)
            else:
                fr.rows_rejected += 1
                add_reject(rejects, lineage, f"{name}, entité {i} : {reason}",
                           json.dumps(props, ensure_ascii=False, default=str))
        files.append(fr)
    ints = {"_row", "_line"}
    loaded_tbl = pa.table({k: pa.array(v, type=pa.int64() if k in ints else pa.string()) for k, v in loaded.items()})
    rejects_tbl = pa.table({k: pa.array(v, type=pa.int64() if k in ints else pa.string()) for k, v in rejects.items()})
    replace_raw(con, SOURCE, loaded_tbl, rejects_tbl, files)
    for f in files:
        mark_loaded(f.snapshot)
    return LoadResult(source=SOURCE, files=files)
