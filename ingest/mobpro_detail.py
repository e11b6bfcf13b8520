"""Loader of the source ``mobpro_detail`` (INSEE census detail file of home-to-work mobility, about 9 million
rows and 33 columns nationally): the contract of its declaration checked in SQL while DuckDB streams the CSV
into ``raw.mobpro_detail``.

The generic fast path (:func:`ingest.load.load_source`) first copies a large CSV into a temporary table, then
checks it into a second one: twice 9 million rows of 33 text columns in memory. Here the CSV is read twice
instead, never held: once with the contract's rules, keeping only the few rejected rows (a small temporary
table), once by the ``create table raw.mobpro_detail as select ...`` of :func:`ingest.load.replace_raw`, which
skips the rejected rows by their number. Same tables, same French
reasons, same lineage (``_row``, ``_line``) as the generic loader; a file this path cannot read exactly (not
UTF-8, a record over several lines, a row with a wrong number of fields) goes to the generic loader.

The census year is written nowhere in the file, only in its name (``RP2019_mobpro_csv.zip``,
``FD_MOBPRO_2019.csv``), and it decides how TRANS is read: it is read from the archive's or the data file's name
before anything is loaded, a file whose name does not say it or whose year the declaration does not know
(``CENSUS_YEARS``) is refused in French, and the year is recorded on every row (``census_year``) and in the
manifest (``vintage``, ``RP2019``).
"""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import duckdb

from ingest.config import Settings
from ingest.errors import ContractError
from ingest.fetch import Snapshot, mark_loaded
from ingest.load import FileResult, LoadResult, line_layout, load_source, replace_raw, sql_identifier, sql_literal
from ingest.readers import csv_header, extract_member, sniff_format

SOURCE = "mobpro_detail"


def _canonical(header: list[str], contract) -> list[str] | None:
    """The header with the contract's canonical names (aliases across vintages), or None when a required
    column is missing or a name repeats (the generic loader then says why, in French)."""
    lookup = {alias.lower(): c.name for c in contract.columns for alias in (c.name, *c.aliases)}
    names = [lookup.get(h.strip().lower(), h.strip()) for h in header]
    if len(set(names)) != len(names) or any(c.required and c.name not in names for c in contract.columns):
        return None
    return names


def _read(path: Path, separator: str, width: int) -> str:
    """The file's records as text columns c0, c1... with their row number (file order: a streaming window)."""
    cols = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(width))
    return (f"select row_number() over () as _row, * from read_csv({sql_literal(str(path))}, delim={sql_literal(separator)}, "
            f"quote='\"', escape='\"', header=false, skip=1, columns={{{cols}}}, auto_detect=false, strict_mode=true, "
            f"null_padding=false, encoding='utf-8', max_line_size=1048576)")


def _reason(names: list[str], contract) -> str:
    """The first contract rule a record breaks, in French (null when none), as the generic loader words it. The
    usual case costs one regular expression per column: values are trimmed only when that first match fails."""
    reasons = []
    for c in contract.columns:
        if c.name not in names:
            continue
        v = f"c{names.index(c.name)}"
        label = c.label or c.name
        missing = sql_literal(f"colonne « {c.name} » ({label}) : valeur manquante") if c.not_empty else "null"
        blank = f"({v} is null or trim({v}) = '')"
        if c.pattern:
            reasons.append(f"case when regexp_full_match({v}, {sql_literal(c.pattern)}) then null when {blank} then {missing} "
                           f"when regexp_full_match(trim({v}), {sql_literal(c.pattern)}) then null "
                           f"else {sql_literal(f'colonne « {c.name} » ({label}) : valeur « ')} || {v} || ' » invalide' end")
        elif c.not_empty:
            reasons.append(f"case when {blank} then {missing} end")
    return f"coalesce({', '.join(reasons)})" if len(reasons) > 1 else (reasons[0] if reasons else "null::varchar")


def census_year(snap: Snapshot, member: str | None) -> str:
    """The census year of a detail file, from the name of the file fetched and of the data file inside its
    archive (they must agree); a French :class:`ContractError` when no name says it or the year is unknown."""
    from ingest.sources import mobpro_detail as declared

    names = [Path(snap.location).name, *([member.rsplit("/", 1)[-1]] if member else [])]
    found = {n: m.group(1) for n in names if (m := re.search(declared.CENSUS_YEAR_IN_NAME, n))}
    shown = " et ".join(f"« {n} »" for n in names)
    if not found:
        raise ContractError(SOURCE, (
            f"année du recensement introuvable : le fichier n'a pas de colonne d'année et son nom ({shown}) ne la "
            "dit pas (INSEE le nomme RP2019_mobpro_csv.zip ou FD_MOBPRO_2019.csv). Or l'année décide de la lecture "
            "des modes de transport (colonne TRANS : 5 codes avant le recensement 2017, 6 ensuite). Rien n'a été "
            "chargé ; téléchargez le fichier depuis la page de l'INSEE ou donnez-lui le nom publié par l'INSEE "
            "(FD_MOBPRO_<année>.csv)."), location=snap.location)
    if len(set(found.values())) > 1:
        years = ", ".join(f"{y} (« {n} »)" for n, y in found.items())
        raise ContractError(SOURCE, (
            f"deux années de recensement dans les noms du fichier : {years}. Rien n'a été chargé ; vérifiez "
            "l'archive téléchargée (le fichier de données doit être celui de son année)."), location=snap.location)
    year = next(iter(found.values()))
    if int(year) not in declared.CENSUS_YEARS:
        known = f"{declared.CENSUS_YEARS[0]} à {declared.CENSUS_YEARS[-1]}"
        raise ContractError(SOURCE, (
            f"recensement {year} : millésime que le produit ne connaît pas (il lit les recensements {known}). Ses "
            f"colonnes ou ses codes (modes de transport TRANS, catégorie socioprofessionnelle) peuvent avoir changé : "
            f"rien n'a été chargé. Comparez le fichier varmod_MOBPRO_{year} de l'INSEE à ceux des années connues, "
            "puis déclarez ce millésime dans ingest/sources/mobpro_detail.py (CENSUS_YEARS) avant de le charger."),
            location=snap.location)
    return year


def _member_name(path: Path, contract) -> str | None:
    """The name of the data file inside an archive (None for a plain file), without extracting it."""
    if sniff_format(path, SOURCE) != "zip":
        return None
    try:
        with zipfile.ZipFile(path) as zf:
            names = [n for n in zf.namelist() if re.search(contract.member, n.rsplit("/", 1)[-1])]
    except (zipfile.BadZipFile, OSError):
        return None     # extract_member says why, in French
    return names[0] if len(names) == 1 else None


def _record_years(con: duckdb.DuckDBPyConnection, result: LoadResult, years: dict[str, str]) -> LoadResult:
    """After the generic loader: the census year on every row and in the manifest (``vintage``)."""
    con.execute(f"alter table raw.{SOURCE} add column if not exists census_year varchar")
    for sha, year in years.items():
        con.execute(f"update raw.{SOURCE} set census_year = ? where _sha256 = ?", [year, sha])
        con.execute("update raw._manifest set vintage = ? where source = ? and sha256 = ? and vintage is null",
                    [f"RP{year}", SOURCE, sha])
    for f in result.files:
        f.vintage = f"RP{years[f.snapshot.sha256]}"
    return result


def load(con: duckdb.DuckDBPyConnection, snapshots: list[Snapshot], settings: Settings | None = None) -> LoadResult:
    from ingest.sources import SOURCES  # the declarations import this module's name only

    contract = SOURCES[SOURCE].contract
    # The year first, for every file: a file that cannot say it is refused before anything is loaded.
    years = {snap.sha256: census_year(snap, _member_name(Path(snap.path), contract)) for snap in snapshots}
    plans = []
    for snap in snapshots:
        path, member = Path(snap.path), None
        if sniff_format(path, SOURCE) == "zip":
            path, member = extract_member(path, SOURCE, contract.member)
        header, detected = csv_header(path, SOURCE)
        names = _canonical(header, contract)
        n_lines, blank = line_layout(path)
        if names is None or blank or detected["encoding"] not in ("utf-8", "utf-8-sig"):
            return _record_years(con, load_source(con, SOURCE, snapshots, contract), years)
        plans.append((snap, path, member, header, names, detected, n_lines))
    order = list(dict.fromkeys([*(n for p in plans for n in p[4]), *(c.name for c in contract.columns)]))
    loaded, rejects, files = [], [], []
    try:
        for i, (snap, path, member, header, names, detected, n_lines) in enumerate(plans):
            rows = _read(path, detected["separator"], len(names))
            scan = f"select {_reason(names, contract)} as _reason, * from ({rows})"
            file_name = Path(snap.location).name
            lineage = (f"{sql_literal(SOURCE)} as _source, {sql_literal(file_name)} as _file, {sql_literal(snap.sha256)} as _sha256, "
                       "_row, _row + 1 as _line")
            record = ("'{' || " + " || ', ' || ".join(
                f"{sql_literal(json.dumps(h, ensure_ascii=False) + ': ')} || to_json(coalesce(c{k}, ''))::varchar"
                for k, h in enumerate(header)) + " || '}'")
            read = n_lines - 1
            tbl = f"_mobpro_detail_rejects_{i}"
            try:   # the rejected rows, and the last row read, which says the file has one record per line
                con.execute(f"create or replace temp table {tbl} as select {lineage}, "
                            f"{sql_literal(file_name + ', ligne ')} || (_row + 1) || ' : ' || _reason as reason, "
                            f"{record} as record, _reason is null as _marker from ({scan}) "
                            f"where _reason is not null or _row >= {read}")
            except duckdb.Error:      # a row DuckDB's strict reader refuses: the generic loader names its line
                return _record_years(con, load_source(con, SOURCE, snapshots, contract), years)
            if con.execute(f"select max(_row) from {tbl}").fetchone()[0] != read:   # a record over several lines
                return _record_years(con, load_source(con, SOURCE, snapshots, contract), years)
            con.execute(f"delete from {tbl} where _marker")
            con.execute(f"alter table {tbl} drop column _marker")
            rejected = con.execute(f"select count(*) from {tbl}").fetchone()[0]
            files.append(FileResult(snapshot=snap, encoding=detected["encoding"], separator=detected["separator"],
                                    rows_read=read, rows_loaded=read - rejected, rows_rejected=rejected,
                                    format="zip:csv" if member else "csv", member=member, engine="duckdb",
                                    vintage=f"RP{years[snap.sha256]}"))
            select = ", ".join(f"nullif(c{names.index(c)}, '') as {sql_identifier(c)}" if c in names else f"null::varchar as {sql_identifier(c)}"
                               for c in order) + f", {sql_literal(years[snap.sha256])} as census_year"
            # The second read skips the rejected rows by their number: no rule is evaluated again.
            loaded.append(f"select {select}, {lineage} from ({rows}) anti join {tbl} r using (_row)")
            rejects.append(f"select * from _mobpro_detail_rejects_{i}")
        replace_raw(con, SOURCE, " union all ".join(loaded), " union all ".join(rejects), files)
        n = con.execute(f"select count(*) from raw.{SOURCE}").fetchone()[0]
        if n != sum(f.rows_loaded for f in files):
            raise RuntimeError(f"{SOURCE}: {n} rows loaded, {sum(f.rows_loaded for f in files)} expected")
        for f in files:
            mark_loaded(f.snapshot)
    finally:
        for i in range(len(plans)):
            con.execute(f"drop table if exists _mobpro_detail_rejects_{i}")
    return LoadResult(source=SOURCE, files=files)
