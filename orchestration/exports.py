"""Exports written with each publication, for the tools that do not read DuckDB (QGIS, R, BI tools).

    <warehouse>/exports/
        parquet/<mart>.parquet     every table of the schema ``marts``, as is (column names as in the warehouse)
        observatoire.gpkg          GeoPackage for QGIS: ``lieux`` (points) and ``communes``, ``cantons``,
                                   ``epci``, ``departements``, ``regions`` (contours, WGS84), French field
                                   names, each field described (``gpkg_data_columns``) with a QGIS style
        opendata/                  open data ready to upload to data.gouv.fr: the directory of places and the
                                   main indicators per territory as CSV + GeoJSON with their Table Schemas, a
                                   datapackage.json and a LISEZMOI.md, their schemas' constraints checked (orchestration/opendata.py)
        LISEZMOI.txt               what the folder holds, in French, with the counts and what is missing

:func:`write_exports` reads a finished warehouse file read-only and writes a fresh folder;
:func:`install_exports` puts it in place of the previous one. A refresh writes the exports of its build
file before the swap (a failure stops the publication, so the exports always match the published file)
and installs them just after it; ``python -m orchestration.exports`` rewrites them from the published file
(after a rollback, for instance).

A refresh that rebuilds only some marts (the survey-only refresh) hard-links the Parquet files of the
other marts from the current exports instead of writing them again: its build file started as a copy of
the published file, so those tables are the same. It does so only when the current exports belong to the
published file: ``.publication`` holds the id of the run whose warehouse they were written from, and it
must be the last publishing run recorded in the published file (``ops.refresh_runs``); after a rollback
or without that file, everything is written.

Parquet files are compressed with snappy (DuckDB's default, read by every Parquet reader): zstd makes
them about a third smaller but takes a quarter more time at each publication.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyogrio
import shapely

from ingest.config import Settings, load_settings
from ingest.warehouse import link_or_copy
from orchestration import opendata

GPKG = "observatoire.gpkg"
README = "LISEZMOI.txt"
MARKER = ".publication"   # id of the run whose warehouse the exports were written from


@dataclass(frozen=True)
class Field:
    name: str          # French field name in the GeoPackage
    sql: str           # expression on the layer's query
    description: str   # French, what QGIS shows as the field's comment


@dataclass(frozen=True)
class Layer:
    name: str
    title: str
    description: str
    source: str        # FROM clause (aliases used by the fields' expressions)
    fields: tuple[Field, ...]
    geometry: str      # expression: GeoJSON text, or "point" for latitude/longitude columns
    geometry_type: str


def _territory_fields(code_label: str) -> tuple[Field, ...]:
    return (
        Field("code", "g.territory_code", code_label),
        Field("nom", "g.territory_name", "Nom officiel"),
        Field("dans_territoire", "g.in_territory", "Vrai si le territoire fait partie du territoire de l'observatoire"),
        Field("population", "t.population", "Population municipale (INSEE, populations légales)"),
        Field("nb_communes", "g.n_communes", "Nombre de communes (millésime du COG chargé)"),
        Field("nb_communes_sans_contour", "g.n_communes_without_contour",
              "Communes sans contour publié (le territoire n'a alors pas de contour, sauf contour publié pour lui)"),
        Field("methode_contour", "g.geometry_method",
              "contour_publie, reunion_des_communes (réunion des contours de ses communes) ou incomplet (pas de contour)"),
    )


def _territory_source(level: str, extra: str = "") -> str:
    return ("marts.dim_territory_geometry g join marts.dim_territory t "
            "on t.territory_level = g.territory_level and t.territory_code = g.territory_code "
            f"{extra} where g.territory_level = '{level}'")


LAYERS: tuple[Layer, ...] = (
    Layer("lieux", "Lieux : tiers-lieux et France Services",
          "Un point par lieu compté par les indicateurs (marts.dim_place), aux coordonnées retenues par l'entrepôt",
          "marts.dim_place p where p.latitude is not null and p.longitude is not null",
          (Field("identifiant", "p.place_id", "Identifiant du lieu dans l'entrepôt (marts.dim_place.place_id)"),
           Field("famille", "p.place_family", "Famille : tiers-lieu, France Services, tiers-lieu recensé localement"),
           Field("categorie", "p.place_category", "Catégorie de lieu (référentiel de l'observatoire)"),
           Field("nom", "p.place_name", "Nom du lieu tel que publié"),
           Field("type_publie", "p.place_type", "Type de lieu tel que publié par la source"),
           Field("type_france_services", "p.fs_type", "Principal ou Antenne (France Services)"),
           Field("code_commune", "p.commune_code", "Code INSEE de la commune du lieu"),
           Field("commune", "p.commune_name", "Nom de la commune du lieu"),
           Field("code_epci", "p.epci_code", "SIREN de l'EPCI de la commune"),
           Field("code_canton", "p.canton_code", "Code du canton de la commune"),
           Field("code_departement", "p.departement_code", "Code du département"),
           Field("code_region", "p.region_code", "Code de la région"),
           Field("source", "p.source_name", "Source de la fiche (inventaire, liste des France Services...)"),
           Field("methode_placement", "p.placement_method", "Comment le lieu a été rattaché à sa commune"),
           Field("statut_coordonnees", "p.coordinates_status", "Coordonnées publiées, ou centre de la commune"),
           Field("identifiant_lieu_reel", "p.real_place_id",
                 "Lieu réel commun à plusieurs fiches (un tiers-lieu et une France Services au même endroit)"),
           Field("latitude", "p.latitude", "Latitude (WGS84, degrés)"),
           Field("longitude", "p.longitude", "Longitude (WGS84, degrés)")),
          "point", "Point"),
    Layer("communes", "Communes", "Contours des communes (IGN Admin Express, simplifiés), marts.dim_territory_geometry",
          _territory_source("commune"), _territory_fields("Code INSEE de la commune"), "g.geometry_geojson",
          "MultiPolygon"),
    Layer("cantons", "Cantons et France Services",
          "Contours des cantons (réunion de leurs communes) avec leurs France Services (marts.fct_coverage_canton)",
          _territory_source("canton", "left join marts.fct_coverage_canton f on f.canton_code = g.territory_code"),
          (*_territory_fields("Code INSEE du canton"),
           Field("pseudo_canton", "f.is_pseudo_canton", "Vrai pour un pseudo-canton INSEE (code finissant par 90 à 99)"),
           Field("nb_france_services", "f.n_france_services", "France Services (sites et antennes) dans le canton"),
           Field("a_une_france_services", "f.has_france_services", "Vrai si le canton a au moins une France Services")),
          "g.geometry_geojson", "MultiPolygon"),
    Layer("epci", "EPCI : tiers-lieux et France Services",
          "Contours des EPCI (réunion de leurs communes) avec leur couverture (marts.fct_coverage_epci)",
          _territory_source("epci", "left join marts.fct_coverage_epci f on f.epci_code = g.territory_code"),
          (*_territory_fields("SIREN de l'EPCI"),
           Field("nb_tiers_lieux", "f.n_tiers_lieux", "Tiers-lieux de l'inventaire situés dans l'EPCI"),
           Field("nb_coworking", "f.n_coworking", "Dont à dominante coworking"),
           Field("nb_fablab", "f.n_fablab", "Dont à dominante fablab"),
           Field("tiers_lieux_pour_10000_hab", "f.tiers_lieux_per_10k", "Tiers-lieux pour 10 000 habitants"),
           Field("nb_france_services", "f.n_france_services", "France Services (sites et antennes) dans l'EPCI"),
           Field("france_services_pour_10000_hab", "f.france_services_per_10k",
                 "France Services pour 10 000 habitants")),
          "g.geometry_geojson", "MultiPolygon"),
    Layer("departements", "Départements", "Contours des départements (IGN Admin Express, simplifiés)",
          _territory_source("departement"), _territory_fields("Code INSEE du département"), "g.geometry_geojson",
          "MultiPolygon"),
    Layer("regions", "Régions", "Contours des régions (IGN Admin Express, simplifiés)",
          _territory_source("region"), _territory_fields("Code INSEE de la région"), "g.geometry_geojson",
          "MultiPolygon"),
)

# A plain QGIS style per layer (layer_styles, read by QGIS as the layer's default style).
_FILL = {"communes": ("255,255,255,0", "120,120,120,255", "0.1"), "cantons": ("255,255,255,0", "200,80,40,255", "0.4"),
         "epci": ("255,255,255,0", "40,90,160,255", "0.5"), "departements": ("255,255,255,0", "30,30,30,255", "0.8"),
         "regions": ("255,255,255,0", "0,0,0,255", "1.2")}


def _qml(layer: Layer) -> str:
    if layer.geometry == "point":
        symbol = ('<symbol type="marker" name="0" alpha="1"><layer class="SimpleMarker">'
                  '<Option type="Map"><Option name="color" value="230,120,20,255" type="QString"/>'
                  '<Option name="size" value="2.4" type="QString"/><Option name="name" value="circle" type="QString"/>'
                  '</Option></layer></symbol>')
    else:
        fill, stroke, width = _FILL[layer.name]
        symbol = ('<symbol type="fill" name="0" alpha="1"><layer class="SimpleFill"><Option type="Map">'
                  f'<Option name="color" value="{fill}" type="QString"/>'
                  f'<Option name="outline_color" value="{stroke}" type="QString"/>'
                  f'<Option name="outline_width" value="{width}" type="QString"/>'
                  '</Option></layer></symbol>')
    aliases = "".join(f'<alias field="{f.name}" name="{f.description}" index="{i}"/>'
                      for i, f in enumerate(layer.fields))
    return ('<!DOCTYPE qgis><qgis version="3.28"><renderer-v2 type="singleSymbol"><symbols>' + symbol
            + '</symbols></renderer-v2><aliases>' + aliases.replace("'", "&apos;") + '</aliases></qgis>')


def _layer_table(con: duckdb.DuckDBPyConnection, layer: Layer) -> tuple[pa.Table, int]:
    cols = ", ".join(f'{f.sql} as "{f.name}"' for f in layer.fields)
    geom = "p.longitude as _lon, p.latitude as _lat" if layer.geometry == "point" else f"{layer.geometry} as _geom"
    table = con.sql(f"select {cols}, {geom} from {layer.source} order by 1").to_arrow_table()
    if layer.geometry == "point":
        shapes = shapely.points(table.column("_lon").to_numpy(zero_copy_only=False),
                                table.column("_lat").to_numpy(zero_copy_only=False))
        table = table.drop_columns(["_lon", "_lat"])
    else:
        shapes = shapely.from_geojson(table.column("_geom").to_numpy(zero_copy_only=False))
        shapes = shapely.force_2d(shapes)
        polygons = shapely.get_type_id(shapes) == 3
        shapes[polygons] = shapely.multipolygons(shapes[polygons], indices=np.arange(int(polygons.sum())))
        table = table.drop_columns(["_geom"])
    missing = int(shapely.is_missing(shapes).sum())
    wkb = pa.array(list(shapely.to_wkb(shapes)), type=pa.binary())
    return table.append_column("geometrie", wkb), missing


def _describe_fields(path: Path) -> None:
    """Field titles and descriptions (gpkg_data_columns, the GeoPackage schema extension) and a QGIS
    default style per layer (layer_styles)."""
    con = sqlite3.connect(path)
    try:
        con.execute("""create table if not exists gpkg_data_columns (table_name text not null, column_name text not
                       null, name text, title text, description text, mime_type text, constraint_name text,
                       constraint gdc_tn unique (table_name, name), primary key (table_name, column_name))""")
        con.execute("""create table if not exists gpkg_extensions (table_name text, column_name text, extension_name
                       text not null, definition text not null, scope text not null)""")
        if not con.execute("select 1 from gpkg_extensions where table_name = 'gpkg_data_columns'").fetchone():
            con.execute("insert into gpkg_extensions values ('gpkg_data_columns', null, 'gpkg_schema', "
                        "'http://www.geopackage.org/spec/#extension_schema', 'read-write')")
        con.execute("""create table if not exists layer_styles (id integer primary key autoincrement,
                       f_table_catalog text, f_table_schema text, f_table_name text, f_geometry_column text,
                       styleName text, styleQML text, styleSLD text, useAsDefault boolean, description text,
                       owner text, ui text, update_time datetime default current_timestamp)""")
        for layer in LAYERS:
            for f in layer.fields:
                con.execute("insert or replace into gpkg_data_columns (table_name, column_name, name, title, "
                            "description) values (?, ?, ?, ?, ?)", (layer.name, f.name, f.name, f.name, f.description))
            con.execute("insert or replace into gpkg_data_columns (table_name, column_name, name, title, description)"
                        " values (?, 'geometrie', 'geometrie', 'geometrie', ?)",
                        (layer.name, "Géométrie (WGS84, EPSG:4326)"))
            con.execute("insert into layer_styles (f_table_catalog, f_table_schema, f_table_name, f_geometry_column, "
                        "styleName, styleQML, useAsDefault, description) values ('', '', ?, 'geometrie', ?, ?, 1, ?)",
                        (layer.name, f"{layer.name} (observatoire)", _qml(layer), layer.title))
        con.commit()
    finally:
        con.close()


def last_published_run(db: Path) -> str | None:
    """The id of the last run that published the warehouse file ``db`` (None if it records none)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        if not con.execute("select 1 from duckdb_tables() where schema_name = 'ops' "
                           "and table_name = 'refresh_runs'").fetchall():
            return None
        row = con.execute("select run_id from ops.refresh_runs where published "
                          "order by finished_at desc limit 1").fetchall()
        return row[0][0] if row else None
    finally:
        con.close()


def reusable_parquet(settings: Settings) -> Path | None:
    """The Parquet folder of the current exports if they belong to the published file, else None."""
    folder, marker = exports_dir(settings) / "parquet", exports_dir(settings) / MARKER
    if not (folder.is_dir() and marker.exists() and settings.published_path.exists()):
        return None
    written_for = marker.read_text(encoding="utf-8").strip()
    return folder if written_for and written_for == last_published_run(settings.published_path) else None


def write_exports(db: Path, out: Path, run_id: str | None, reuse: Path | None = None,
                  unchanged: frozenset[str] = frozenset()) -> dict:
    """Write the exports of the warehouse file ``db`` (opened read-only) into the new folder ``out``;
    returns what was written (rows per Parquet file and per layer, features without geometry, sizes, time).

    ``run_id`` is the run whose warehouse ``db`` is (written to ``.publication``). The Parquet files of
    the marts in ``unchanged`` are hard-linked from the folder ``reuse`` (see :func:`reusable_parquet`)
    when it holds them; ``summary["reused"]`` lists them."""
    t0 = time.perf_counter()
    out.mkdir(parents=True)
    (out / "parquet").mkdir()
    con = duckdb.connect(str(db), read_only=True)
    summary: dict = {"parquet": {}, "layers": {}, "without_geometry": {}, "reused": []}
    try:
        marts = [r[0] for r in con.execute("select table_name from duckdb_tables() where schema_name = 'marts' "
                                           "order by table_name").fetchall()]
        for name in marts:
            target = out / "parquet" / f"{name}.parquet"
            previous = reuse / target.name if reuse is not None and name in unchanged else None
            if previous is not None and previous.exists():
                link_or_copy(previous, target)
                summary["reused"].append(name)
            else:
                con.execute(f"copy marts.\"{name}\" to '{target}' (format parquet, compression snappy)").fetchall()
            summary["parquet"][name] = con.execute(f'select count(*) from marts."{name}"').fetchall()[0][0]
        has_geometry, has_places = "dim_territory_geometry" in marts, "dim_place" in marts
        for layer in LAYERS:
            if not (has_places if layer.geometry == "point" else has_geometry):
                continue
            table, missing = _layer_table(con, layer)
            pyogrio.write_arrow(table, out / GPKG, layer=layer.name, driver="GPKG", geometry_name="geometrie",
                                geometry_type=layer.geometry_type, crs="EPSG:4326", append=(out / GPKG).exists(),
                                layer_options={"IDENTIFIER": layer.title, "DESCRIPTION": layer.description,
                                               "GEOMETRY_NAME": "geometrie"})
            summary["layers"][layer.name] = table.num_rows
            summary["without_geometry"][layer.name] = missing
        summary["places_without_coordinates"] = con.execute(
            "select count(*) from marts.dim_place where latitude is null or longitude is null").fetchall()[0][0] \
            if has_places else None
        summary["communes_without_contour"] = (con.execute(
            "select count(*) from marts.quality_commune_contours where commune_code is not null").fetchall()[0][0]
            if "quality_commune_contours" in marts else None)
        built = con.execute("select max(built_at) from marts.meta_publication").fetchall()[0][0] \
            if "meta_publication" in marts else None
        # Open data, validated against its schemas: an invalid file raises OpenDataError (stops the publication).
        summary["opendata"] = opendata.write_opendata(con, out / opendata.FOLDER)
    finally:
        con.close()
    if (out / GPKG).exists():
        _describe_fields(out / GPKG)
    summary["bytes"] = {"parquet": sum(p.stat().st_size for p in (out / "parquet").iterdir()),
                        "gpkg": (out / GPKG).stat().st_size if (out / GPKG).exists() else 0,
                        "opendata": summary["opendata"]["bytes"]}
    summary["seconds"] = round(time.perf_counter() - t0, 2)
    (out / README).write_text(_readme(summary, built), encoding="utf-8")
    (out / MARKER).write_text(run_id or "", encoding="utf-8")
    return summary


def _readme(summary: dict, built) -> str:
    lines = ["Exports de l'entrepôt de l'Observatoire des tiers-lieux",
             f"Publication construite le {built:%d/%m/%Y à %H:%M}" if built else "Publication",
             "", "Réécrits à chaque publication ; ne pas modifier (voir docs/analystes.md).", "",
             "parquet/ : une table de l'entrepôt (schéma marts) par fichier, mêmes colonnes, mêmes lignes :"]
    lines += [f"  {name}.parquet : {n} lignes" for name, n in summary["parquet"].items()]
    lines += ["", f"{GPKG} : GeoPackage pour QGIS (WGS84, EPSG:4326), couches :"]
    for layer in LAYERS:
        if layer.name in summary["layers"]:
            lines.append(f"  {layer.name} ({layer.title}) : {summary['layers'][layer.name]} entités, dont "
                         f"{summary['without_geometry'][layer.name]} sans géométrie")
    if summary["places_without_coordinates"] is not None:
        lines += ["", f"Lieux sans coordonnées (absents de la couche lieux) : {summary['places_without_coordinates']}"]
    od = summary["opendata"]
    if od["rows"]:
        lines += ["", f"{opendata.FOLDER}/ : données ouvertes prêtes à déposer sur data.gouv.fr (CSV et GeoJSON, "
                  "schémas Table Schema, datapackage.json ; voir opendata/LISEZMOI.md), contraintes des schémas vérifiées :"]
        lines += [f"  {name}.csv : {n} lignes" for name, n in od["rows"].items()]
    if summary["communes_without_contour"] is not None:
        lines.append(f"Communes sans contour publié (liste : marts.quality_commune_contours) : "
                     f"{summary['communes_without_contour']}")
    else:
        lines.append("Aucun contour administratif chargé : seule la couche des lieux est écrite.")
    return "\n".join(lines) + "\n"


def exports_dir(settings: Settings) -> Path:
    return settings.warehouse_dir / "exports"


def staging_dir(settings: Settings, run_id: str) -> Path:
    """Where a run writes its exports before its publication (removed if it exists)."""
    folder = settings.warehouse_dir / f"exports-{run_id}.tmp"
    shutil.rmtree(folder, ignore_errors=True)
    return folder


def install_exports(settings: Settings, folder: Path) -> Path:
    """Put ``folder`` in place of the current exports (two renames; the previous folder is deleted)."""
    target = exports_dir(settings)
    old = target.with_name("exports.old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        os.replace(target, old)
    os.replace(folder, target)
    shutil.rmtree(old, ignore_errors=True)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Réécrit les exports (Parquet, GeoPackage, données ouvertes) de la publication en ligne.")
    parser.add_argument("--config", default=None)
    args = parser.parse_args(argv)
    settings = load_settings(args.config)
    if not settings.published_path.exists():
        print(f"Aucune publication : {settings.published_path}", file=sys.stderr)
        return 1
    folder = staging_dir(settings, "manual")
    summary = write_exports(settings.published_path, folder, last_published_run(settings.published_path))
    target = install_exports(settings, folder)
    print(f"Exports écrits dans {target} ({summary['seconds']} s) : {len(summary['parquet'])} fichiers Parquet, "
          f"couches {', '.join(f'{k} ({v})' for k, v in summary['layers'].items())}, données ouvertes validées "
          f"({', '.join(f'{k} : {v} lignes' for k, v in summary['opendata']['rows'].items())})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
