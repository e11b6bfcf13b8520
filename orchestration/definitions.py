"""Dagster definitions of the observatory: one asset per raw source, the dbt project, publication.

Load it with ``dagster dev -m orchestration.definitions`` (``make dev``). The configuration file is
``$OBSERVATOIRE_CONFIG`` (default ``config/demo.toml``). Assets hold the logic; the job only selects.
DuckDB has a single writer, so the job runs in process, one step at a time.

Quality gate: every dbt test is an asset check of its model (dagster-dbt); every raw source carries a
blocking Great Expectations check of its files and every mart a blocking row-count check
(:mod:`orchestration.checks`); a failed blocking check skips the publication. Each run records
its report in ``ops`` (:mod:`orchestration.report`); schedules per source cadence and the survey
inbox sensor are in :mod:`orchestration.schedules`; a run-failure sensor writes the failed run's
report and notifies the team (:mod:`orchestration.notify`).
"""


import hashlib
import json
import os
import shutil
import sys
from datetime import datetime, timezone
from pathlib import Path

import dagster as dg
import duckdb
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets

from ingest import sources as source_loaders
from ingest.config import PROJECT_ROOT, Settings, load_settings
from ingest.errors import OutdatedPublicationError
from ingest.fetch import fetch
from ingest.load import sql_identifier, write_field_report
from ingest.warehouse import prepare_build, publish
from orchestration import checks as quality
from orchestration import exports, report
from orchestration.notify import notify_failure
from orchestration.resources import Warehouse
from orchestration.schedules import inbox_files, schedules_and_sensors

DBT_DIR = PROJECT_ROOT / "dbt_project"


def dbt_project(settings: Settings | None = None) -> DbtProject:
    """The dbt project, with its manifest parsed when missing or older than a model file.

    With ``settings``, the parse is made with the profile path (the build file) and the ``--vars``
    of the refreshes of that configuration, so that dbt's ``partial_parse.msgpack`` (copied by
    dagster-dbt into each run's target folder) stays valid: dbt parses the whole project again at
    the start of every ``dbt build`` when the profile or the vars differ from the last parse.
    """
    source_loaders.write_dbt_sources()   # the dbt sources of the declarations (ingest/sources)
    project = DbtProject(project_dir=DBT_DIR, profiles_dir=DBT_DIR, target_path=report.DBT_TARGET)
    manifest = project.manifest_path
    newest = max(p.stat().st_mtime for p in _dbt_files())
    key_file = report.DBT_TARGET / "parse_key.json"
    variables = dbt_vars(settings) if settings is not None else None
    key = json.dumps({"build": str(settings.build_path), "vars": variables}, sort_keys=True) \
        if settings is not None else None
    stale = not manifest.exists() or manifest.stat().st_mtime < newest
    if stale or (key is not None and (not key_file.exists() or key_file.read_text(encoding="utf-8") != key)):
        args = ["parse", "--quiet"]
        previous = os.environ.get("OBSERVATOIRE_BUILD_DB")
        if settings is not None:
            os.environ["OBSERVATOIRE_BUILD_DB"] = str(settings.build_path)
            args += ["--vars", json.dumps(variables)]
        else:
            os.environ.setdefault("OBSERVATOIRE_BUILD_DB", str(report.DBT_TARGET / "parse.duckdb"))
        try:
            DbtCliResource(project_dir=project, dbt_executable=dbt_executable()).cli(
                args, target_path=project.target_path).wait()
        finally:
            if settings is not None:
                if previous is None:
                    os.environ.pop("OBSERVATOIRE_BUILD_DB", None)
                else:
                    os.environ["OBSERVATOIRE_BUILD_DB"] = previous
        if key is not None:
            key_file.write_text(key, encoding="utf-8")
        elif key_file.exists():
            key_file.unlink()
    return project


DBT_RUNS_KEPT = 20


def prune_dbt_targets(target: Path, keep: int = DBT_RUNS_KEPT) -> list[Path]:
    """Remove all but the ``keep`` newest per-run dbt folders (``<asset op>-<run id>-<hash>``, about
    10 MB each: manifest, logs, compiled SQL) that dagster-dbt writes under ``target/`` for every run;
    without this a daily refresh would pile up gigabytes. Returns the folders removed."""
    runs = sorted((p for p in target.glob("observatoire_dbt-*") if p.is_dir()),
                  key=lambda p: p.stat().st_mtime, reverse=True)
    for old in runs[keep:]:
        shutil.rmtree(old, ignore_errors=True)
    return runs[keep:]


def dbt_executable() -> str:
    """The dbt installed beside this Python (the project's venv), even when the venv is not activated."""
    beside = Path(sys.executable).parent / "dbt"
    return str(beside) if beside.exists() else (shutil.which("dbt") or "dbt")


def _dbt_files() -> list[Path]:
    """The files of the dbt project that define the models (SQL, Python, YAML, seeds), without ``target``."""
    files = []
    for folder, dirs, names in os.walk(DBT_DIR):
        if Path(folder) == DBT_DIR:   # dbt's outputs: thousands of files after a day of runs, never walked
            dirs[:] = [d for d in dirs if d not in {"target", "logs", "dbt_packages"}]
        files += [Path(folder) / n for n in names if Path(n).suffix in {".sql", ".py", ".yml", ".csv"}]
    return sorted(files)


def model_version() -> str:
    """A fingerprint of the dbt project's files (12 hex digits): ``meta_publication.model_version`` of the
    marts it builds. A partial refresh refuses a publication built by other models (:func:`check_model_version`)."""
    digest = hashlib.sha256()
    for path in _dbt_files():
        digest.update(path.relative_to(DBT_DIR).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:12]


def check_model_version(con, published: Path, current: str) -> None:
    """Raise :class:`OutdatedPublicationError` (French) when the build file, a copy of the current publication,
    was built by other dbt models than ``current`` (this version's :func:`model_version`): a partial refresh
    would publish marts of two versions."""
    try:
        built = con.execute("select model_version from marts.meta_publication").fetchone()
    except duckdb.Error:
        built = None
    if built is None or built[0] != current:
        raise OutdatedPublicationError(
            f"la publication actuelle ({published}) a été construite par une autre version des modèles de "
            f"l'observatoire (empreinte {built[0] if built else 'absente'}, cette version : {current}) : un "
            "rafraîchissement partiel ne peut pas la compléter sans mêler les deux versions. Lancez d'abord un "
            "rafraîchissement complet : « python -m orchestration.run » (tâche refresh_all).")


def drop_orphan_relations(con, manifest: dict) -> list[str]:
    """Drop the tables and views of the dbt schemas (those of the project's models, seeds and tests) that no
    node of ``manifest`` defines: a mart or a stored test result a newer version of the project renamed or
    removed, or a ``__dbt_tmp`` / ``__dbt_backup`` left by an interrupted build. The build file starts as a
    copy of the publication, so without this they would stay in the warehouse forever, undocumented.
    Schemas dbt does not write (raw, ops) are never touched. Returns the dropped relations (schema.name)."""
    nodes = [n for n in manifest.get("nodes", {}).values()
             if n.get("resource_type") in ("model", "seed", "snapshot", "test")]
    defined = {(n["schema"], n.get("alias") or n["name"]) for n in nodes}
    schemas = sorted({schema for schema, _ in defined})
    found = con.execute(
        "select schema_name, table_name, 'table' from duckdb_tables() where list_contains(?, schema_name) "
        "union all select schema_name, view_name, 'view' from duckdb_views() "
        "where not internal and list_contains(?, schema_name) order by 1, 2", [schemas, schemas]).fetchall()
    dropped = []
    for schema, name, kind in found:
        if (schema, name) not in defined:
            con.execute(f"drop {kind} if exists {sql_identifier(schema)}.{sql_identifier(name)}")
            dropped.append(f"{schema}.{name}")
    return dropped


def dbt_vars(settings: Settings) -> dict:
    return {
        "model_version": model_version(),
        "territory_name": settings.territory.name,
        "territory_departements": list(settings.territory.departements),
        "territory_fictional": settings.territory.fictional,
        "access_distances_km": list(settings.access_distances_km),
        "territory_regions": list(getattr(settings.territory, "regions", ()) or ()),
        "territory_epcis": list(getattr(settings.territory, "epcis", ()) or ()),
    }


def raw_asset(name: str, settings: Settings) -> dg.AssetsDefinition:
    source = settings.sources[name]

    @dg.asset(key=["raw", name], group_name="raw", kinds={"duckdb"},
              description=f"{source.description or source_loaders.SOURCES[name].description} (raw rows + rejects)")
    def _asset(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
        settings = warehouse.settings
        locations = list(settings.sources[name].locations)
        if source_loaders.SOURCES[name].cadence == "inbox":  # files dropped in the inbox folder (inbox sensor)
            locations += [str(p) for p in inbox_files(settings, name) if str(p) not in locations]
        snapshots = [fetch(name, loc, settings.snapshot_dir) for loc in locations]
        with warehouse.build(context.run_id) as con:
            result = source_loaders.load_or_keep_previous(con, name, snapshots, settings)
            report.record_source(con, context.run_id, name, result.rows_read, result.rows_loaded,
                                 result.rows_rejected, max(f.snapshot.fetched_at for f in result.files),
                                 result.stale)
            field_report = None
            if source_loaders.SOURCES[name].contract is not None:
                field_report = field_report_path(settings, name)
                write_field_report(con, name, field_report)
        for f in result.files:
            context.log.info(f"{name}: {f.snapshot.location} -> read {f.rows_read}, loaded {f.rows_loaded}, "
                             f"rejected {f.rows_rejected} ({f.encoding}, sep {f.separator!r}"
                             f"{', millésime ' + f.vintage if f.vintage else ''})")
            for warning in f.warnings:
                context.log.warning(f"{name}: {warning}")
        if result.stale:
            context.log.warning(f"{name}: network failed, an earlier snapshot was loaded (stale)")
        return dg.MaterializeResult(metadata={
            "rows_read": result.rows_read,
            "rows_loaded": result.rows_loaded,
            "rows_rejected": result.rows_rejected,
            "stale": result.stale,
            "sha256": ", ".join(f.snapshot.sha256 for f in result.files),
            "locations": ", ".join(locations),
            "corrections": result.corrections,
            **({"field_report": dg.MetadataValue.path(str(field_report))} if field_report else {}),
        })

    return _asset


def field_report_path(settings: Settings, source: str) -> Path:
    """Where the last load of ``source`` writes its per-field report (corrections and refused values, CSV)."""
    return settings.warehouse_dir / "rapports_par_champ" / f"{source}.csv"


def _started_at(context) -> datetime | None:
    record = context.instance.get_run_record_by_id(context.run_id)
    start = record.start_time if record else None
    return datetime.fromtimestamp(start, timezone.utc).replace(tzinfo=None) if start else None


def quality_check(asset_key: dg.AssetKey, source: str) -> dg.AssetChecksDefinition:
    """The blocking asset check of a raw source: the profile of its load (files' rejected rows, rows
    loaded, filled columns, against the publication) validated once by Great Expectations
    (orchestration.checks.validate_raw_source), recorded in the run report and its HTML Data Docs."""
    label = "/".join(asset_key.path)

    @dg.asset_check(asset=asset_key, name="great_expectations", blocking=True,
                    description=f"Fichiers de raw.{source} : lignes rejetées, nombre de lignes et colonnes "
                                "renseignées, comparés à la publication (bloquants et avertissements)")
    def _check(context: dg.AssetCheckExecutionContext, warehouse: Warehouse) -> dg.AssetCheckResult:
        run_id, settings = context.op_execution_context.run_id, warehouse.settings
        with warehouse.build(run_id) as con:
            outcomes = quality.validate_raw_source(settings, con, source)
            report.record_checks(con, run_id, label, outcomes)
        docs = quality.write_data_docs(settings, run_id, label.replace("/", "."), outcomes)
        return check_result(context, label, outcomes, docs)

    return _check


def mart_quality_checks(dbt_assets_def: dg.AssetsDefinition) -> dg.AssetChecksDefinition:
    """The row count of every mart against the current publication (orchestration.checks.mart_row_counts:
    one SQL query), one blocking check per mart computed by a single step; a run that rebuilds some marts
    only (refresh_surveys) checks those marts only (can_subset). The marts' other rules are dbt tests."""
    keys = sorted((k for k in dbt_assets_def.keys if len(k.path) == 2 and k.path[0] == "marts"),
                  key=lambda k: k.path[-1])
    specs = [dg.AssetCheckSpec("row_count", asset=k, blocking=True,
                               description=f"Nombre de lignes de marts.{k.path[-1]} comparé à la publication en cours")
             for k in keys]

    @dg.multi_asset_check(specs=specs, can_subset=True, name="marts_row_count",
                          description="Nombre de lignes de chaque table des marts comparé à la publication en cours")
    def _checks(context: dg.AssetCheckExecutionContext, warehouse: Warehouse):
        run_id, settings = context.op_execution_context.run_id, warehouse.settings
        selected = sorted(context.selected_asset_check_keys, key=lambda k: k.asset_key.path[-1])
        tables = [f"marts.{k.asset_key.path[-1]}" for k in selected]
        previous, bounds = quality.previous_counts(settings, tables), quality.quality_settings(settings)
        with warehouse.build(run_id) as con:
            results = quality.mart_row_counts(settings, con, tables, previous, bounds)
            evaluated = [(key, [results[table]]) for key, table in zip(selected, tables)]
            report.record_many_checks(con, run_id, [("/".join(k.asset_key.path), o) for k, o in evaluated])
        for key, outcomes in evaluated:
            yield check_result(context, "/".join(key.asset_key.path), outcomes, asset_key=key.asset_key,
                               check_name=key.name)

    return _checks


def check_result(context, label: str, outcomes: list[dict], docs: Path | None = None,
                 **keys) -> dg.AssetCheckResult:
    """The Dagster result of one asset's checks: a failed blocking one -> ERROR, a warning -> WARN."""
    blocking = [o for o in outcomes if not o["passed"] and o["severity"] == report.BLOCKING]
    warnings = [o for o in outcomes if not o["passed"] and o["severity"] == report.WARNING]
    for o in blocking:
        context.log.error(f"{label} : contrôle bloquant en échec : {o['message']}")
    for o in warnings:
        context.log.warning(f"{label} : avertissement : {o['message']}")
    metadata = {"expectations": len(outcomes), "blocking_failed": len(blocking), "warnings_failed": len(warnings)}
    if docs is not None:
        metadata["data_docs"] = dg.MetadataValue.path(str(docs))
    return dg.AssetCheckResult(
        passed=not blocking and not warnings,
        severity=dg.AssetCheckSeverity.ERROR if blocking else dg.AssetCheckSeverity.WARN,
        description="; ".join(o["message"] for o in blocking + warnings) or "toutes les attentes sont satisfaites",
        metadata=metadata, **keys)


class _Translator(DagsterDbtTranslator):
    """Groups the dbt assets by dbt folder (staging, intermediate, marts); every dbt test is a Dagster
    asset check of its model (dagster-dbt's default)."""

    def get_group_name(self, dbt_resource_props) -> str:
        fqn = dbt_resource_props.get("fqn", [])
        return fqn[1] if len(fqn) > 2 else "dbt"


def build_definitions(settings: Settings) -> dg.Definitions:
    project = dbt_project(settings)
    raw_assets = [raw_asset(name, settings) for name in settings.sources]   # declared sources only (load_settings)

    @dbt_assets(manifest=project.manifest_path, project=project, dagster_dbt_translator=_Translator())
    def observatoire_dbt(context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: Warehouse):
        """Staging, intermediate and mart models with every dbt test (`dbt build`), in the build file: a
        dbt test that fails (severity error) stops the build, hence the publication."""
        settings = warehouse.settings
        os.environ["OBSERVATOIRE_BUILD_DB"] = str(prepare_build(settings, context.run_id))   # profiles.yml
        variables = dbt_vars(settings)
        if set(context.selected_asset_keys) != set(observatoire_dbt.keys) and settings.published_path.exists():
            with warehouse.build(context.run_id) as con:   # a partial refresh completes the current publication
                check_model_version(con, settings.published_path, variables["model_version"])
        args = ["build", "--vars", json.dumps(variables)]
        invocation = dbt.cli(args, context=context)
        yield from invocation.stream()
        with warehouse.build(context.run_id) as con:
            dropped = drop_orphan_relations(con, invocation.manifest)
        if dropped:
            context.log.info(f"relations retirées de l'entrepôt (plus définies par les modèles) : {', '.join(dropped)}")
        prune_dbt_targets(report.DBT_TARGET)

    @dg.asset(key=["warehouse", "published"], group_name="publication", deps=list(observatoire_dbt.keys),
              description="Atomic swap of the freshly built warehouse into the published file.")
    def published_warehouse(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
        settings = warehouse.settings
        with warehouse.build(context.run_id) as con:
            run_report = report.record_success(con, settings, context.run_id, _started_at(context))
        # The exports of the build file, before the swap: a failure here stops the publication, so the
        # exports in place always match the published file (orchestration/exports.py). The marts this run
        # did not rebuild are those of the publication its build file copied: their Parquet files are
        # taken from the current exports when these belong to that publication.
        rebuilt = {r.asset_key.path[-1] for r in context.instance.get_records_for_run(
            context.run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION).records if r.asset_key}
        unchanged = frozenset({key.path[-1] for key in observatoire_dbt.keys} - rebuilt)
        folder = exports.staging_dir(settings, context.run_id)
        summary = exports.write_exports(settings.build_path, folder, context.run_id,
                                        exports.reusable_parquet(settings), unchanged)
        path = publish(settings)
        exports.install_exports(settings, folder)
        report.write_json(settings, run_report)
        context.log.info(f"published {path}; exports ({summary['seconds']} s): {len(summary['parquet'])} Parquet "
                         f"files ({len(summary['reused'])} unchanged, linked), layers {summary['layers']}, "
                         f"communes without contour: {summary['communes_without_contour']}")
        return dg.MaterializeResult(metadata={
            "path": str(path), "bytes": Path(path).stat().st_size, "exports_seconds": summary["seconds"],
            "exports_bytes": sum(summary["bytes"].values()),
            "exports_parquet_reused": dg.MetadataValue.json(summary["reused"]),
            "communes_sans_contour": summary["communes_without_contour"] if summary["communes_without_contour"]
            is not None else -1})

    asset_checks = [quality_check(dg.AssetKey(["raw", name]), name) for name in settings.sources]
    asset_checks.append(mart_quality_checks(observatoire_dbt))

    @dg.run_failure_sensor(name="notify_refresh_failure", minimum_interval_seconds=30,
                           description="Rapport d'échec et notification (webhook / e-mail) d'un rafraîchissement")
    def notify_refresh_failure(context: dg.RunFailureSensorContext):
        record = context.instance.get_run_record_by_id(context.dagster_run.run_id)
        started = (datetime.fromtimestamp(record.start_time, timezone.utc).replace(tzinfo=None)
                   if record and record.start_time else None)
        steps = report.step_failure_lines(context.instance.all_logs(
            context.dagster_run.run_id, of_type=dg.DagsterEventType.STEP_FAILURE))
        handle_failure(settings, context.dagster_run.run_id, context.dagster_run.job_name,
                       "\n".join(steps) or context.failure_event.message or "", started)

    refresh_all = dg.define_asset_job("refresh_all", selection=dg.AssetSelection.all(),
                                      description="Refresh every source, rebuild the marts, publish.")
    jobs, schedules, sensors = schedules_and_sensors(settings, refresh_all)
    return dg.Definitions(
        assets=[*raw_assets, observatoire_dbt, published_warehouse],
        asset_checks=asset_checks,
        jobs=[refresh_all, *jobs],
        schedules=schedules,
        sensors=[*sensors, notify_refresh_failure],
        resources={"dbt": DbtCliResource(project_dir=project, dbt_executable=dbt_executable()),
                   "warehouse": Warehouse(config_path=str(settings.config_path))},
        executor=dg.in_process_executor,
    )


def handle_failure(settings: Settings, run_id: str, job: str, message: str, started_at) -> None:
    """A failed refresh: keep its report beside the warehouse (JSON) and notify the team. The notification
    goes out even when the report cannot be written (disk full or read-only): it then says so."""
    path = report.reports_dir(settings) / f"{run_id}.json"
    if path.exists():
        return  # already handled (by run.py or by the sensor)
    try:
        checks = report.collect(settings, run_id)["checks"]
    except Exception as exc:   # a damaged build file: the message of the failure still goes out
        checks = []
        print(f"Lecture du rapport de l'exécution {run_id} impossible : {exc}", file=sys.stderr)
    blocking = [f"Contrôle bloquant en échec sur {c['asset']} : {c['message']}"
                for c in checks if not c["passed"] and c["severity"] == report.BLOCKING]
    message = "\n".join([line for line in blocking if line not in message] + [message])
    try:
        report.failed_run_report(settings, run_id, started_at, message)
    except OSError as exc:
        note = (f"Le rapport de l'exécution n'a pas pu être écrit dans {report.reports_dir(settings)} ({exc}) : "
                "disque plein ou en lecture seule ? Libérez de la place ou rétablissez les droits d'écriture.")
        print(note, file=sys.stderr)
        message = f"{message}\n{note}"
    notify_failure(settings, run_id, job, message)


def __getattr__(name: str):
    """``defs`` (what ``dagster dev -m orchestration.definitions`` loads) is built on first access
    only, so that importing this module (``orchestration.run``, the tests, the benchmark) does not
    build the definitions of the default configuration besides the ones it builds itself."""
    if name == "defs":
        value = build_definitions(load_settings())
        globals()["defs"] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | {"defs"})
