"""Dagster definitions of the observatory: one asset per raw source, the dbt project, publication.

Load it with ``dagster dev -m orchestration.definitions`` (``make dev``). The configuration file is
``$OBSERVATOIRE_CONFIG`` (default ``config/demo.toml``). Assets hold the logic; the job only selects.
DuckDB has a single writer, so the job runs in process, one step at a time.

Quality gate: every raw source and the main marts carry a blocking Great Expectations asset check
(:mod:`orchestration.checks`); a failed blocking expectation skips the publication. Each run records
its report in ``ops`` (:mod:`orchestration.report`); schedules per source cadence and the survey
inbox sensor are in :mod:`orchestration.schedules`; a run-failure sensor writes the failed run's
report and notifies the team (:mod:`orchestration.notify`).
"""


import importlib.metadata
import json
import os
import shutil
import sys
from datetime import datetime, timezone
from functools import cached_property
from pathlib import Path

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets
from packaging import version as packaging_version

from ingest import sources as source_loaders
from ingest.config import PROJECT_ROOT, Settings, load_settings
from ingest.fetch import fetch
from ingest.surveys import importer as survey_importer
from ingest.warehouse import crash_point, open_build, prepare_build, publish
from orchestration import checks as quality
from orchestration import dbt_server, report
from orchestration.notify import notify_failure
from orchestration.schedules import inbox_files, schedules_and_sensors

DBT_DIR = PROJECT_ROOT / "dbt_project"


def dbt_project(settings: Settings | None = None) -> DbtProject:
    """The dbt project, with its manifest parsed when missing or older than a model file.

    With ``settings``, the parse is made with the profile path (the build file) and the ``--vars``
    of the refreshes of that configuration, so that dbt's ``partial_parse.msgpack`` (copied by
    dagster-dbt into each run's target folder) stays valid: dbt parses the whole project again at
    the start of every ``dbt build`` when the profile or the vars differ from the last parse.
    """
    project = DbtProject(project_dir=DBT_DIR, profiles_dir=DBT_DIR)
    manifest = project.manifest_path
    newest = max(p.stat().st_mtime for p in DBT_DIR.rglob("*") if p.suffix in {".sql", ".yml", ".csv"}
                 and "target" not in p.parts)
    key_file = DBT_DIR / "target" / "parse_key.json"
    key = json.dumps({"build": str(settings.build_path), "vars": dbt_vars(settings)}, sort_keys=True) \
        if settings is not None else None
    stale = not manifest.exists() or manifest.stat().st_mtime < newest
    if stale or (key is not None and (not key_file.exists() or key_file.read_text(encoding="utf-8") != key)):
        args = ["parse", "--quiet"]
        previous = os.environ.get("OBSERVATOIRE_BUILD_DB")
        if settings is not None:
            os.environ["OBSERVATOIRE_BUILD_DB"] = str(settings.build_path)
            args += ["--vars", json.dumps(dbt_vars(settings))]
        else:
            os.environ.setdefault("OBSERVATOIRE_BUILD_DB", str(DBT_DIR / "target" / "parse.duckdb"))
        try:
            ObservatoireDbtCli(project_dir=project, dbt_executable=dbt_executable()).cli(
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


class ObservatoireDbtCli(DbtCliResource):
    """dagster-dbt's CLI resource without two start-up costs paid by every run (~4 s at national scale):

    - ``dbt --version`` in a subprocess (a full dbt start-up) to learn the version: when the dbt
      used is the one installed beside this Python (directly or through the client of the warm dbt
      process, :mod:`orchestration.dbt_server`), its package metadata says it;
    - a dbt adapter opened in the Dagster process (profile, project and macros loaded) that
      dagster-dbt only uses to fetch optional row-count / column metadata, which we do not request.
    """

    @cached_property
    def _cli_version(self):
        if Path(self.dbt_executable) in (Path(sys.executable).parent / "dbt", _client_path()):
            return packaging_version.parse(importlib.metadata.version("dbt-core"))
        return super()._cli_version

    def _initialize_dbt_core_adapter(self, args):
        return None


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
    """The dbt installed beside this Python (the project's venv), even when the venv is not activated,
    through the client of the warm dbt process (:mod:`orchestration.dbt_server`: the real dbt when
    the run has no warm process)."""
    beside = Path(sys.executable).parent / "dbt"
    if beside.exists():
        return str(dbt_server.client_executable(_client_path().parent) if dbt_server.enabled() else beside)
    return shutil.which("dbt") or "dbt"


def _client_path() -> Path:
    return DBT_DIR / "target" / "dbt-client"


def _warm_dbt_command(settings: Settings) -> tuple[Path, dict, dict]:
    """What the warm dbt process prepares: the project, the --vars and the environment of the build."""
    return DBT_DIR, dbt_vars(settings), {"OBSERVATOIRE_BUILD_DB": str(settings.build_path),
                                         "DBT_PROFILES_DIR": str(DBT_DIR)}


def _run_builds_dbt(context) -> bool:
    """Whether the run has the dbt step (its steps, else every step of its job)."""
    steps = context.run.step_keys_to_execute
    return "observatoire_dbt" in (steps if steps is not None else context.job_def.graph.node_dict)


def dbt_vars(settings: Settings) -> dict:
    return {
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
              description=f"{source.description or source_loaders.description(name)} (raw rows + rejects)")
    def _asset(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
        quality.warm_up()   # the Great Expectations worker imports GE while this source loads
        if _run_builds_dbt(context):   # and a dbt process starts and parses the project meanwhile
            dbt_server.start(*_warm_dbt_command(settings))
        locations = list(source.locations)
        if name in ("surveys", "occupancy_counts"):  # files dropped in the inbox folder (see the inbox sensor)
            locations += [str(p) for p in inbox_files(settings, name) if str(p) not in locations]
        snapshots = [fetch(name, loc, settings.snapshot_dir) for loc in locations]
        con = open_build(settings, context.run_id)
        try:
            result = source_loaders.load(con, name, snapshots, settings)
            report.record_source(con, context.run_id, name, result.rows_read, result.rows_loaded,
                                 result.rows_rejected, max(f.snapshot.fetched_at for f in result.files),
                                 result.stale)
            crash_point(f"ingestion:{name}")
        finally:
            con.close()
        for f in result.files:
            context.log.info(f"{name}: {f.snapshot.location} -> read {f.rows_read}, loaded {f.rows_loaded}, "
                             f"rejected {f.rows_rejected} ({f.encoding}, sep {f.separator!r})")
        if result.stale:
            context.log.warning(f"{name}: network failed, an earlier snapshot was loaded (stale)")
        return dg.MaterializeResult(metadata={
            "rows_read": result.rows_read,
            "rows_loaded": result.rows_loaded,
            "rows_rejected": result.rows_rejected,
            "stale": result.stale,
            "sha256": ", ".join(f.snapshot.sha256 for f in result.files),
            "locations": ", ".join(locations),
        })

    return _asset


def _started_at(context) -> datetime | None:
    record = context.instance.get_run_record_by_id(context.run_id)
    start = record.start_time if record else None
    return datetime.fromtimestamp(start, timezone.utc).replace(tzinfo=None) if start else None


def quality_check(settings: Settings, asset_key: dg.AssetKey, table: str, rules: list) -> dg.AssetChecksDefinition:
    """A blocking asset check running the Great Expectations suite of ``table`` on the build file."""
    label = "/".join(asset_key.path)

    @dg.asset_check(asset=asset_key, name="great_expectations", blocking=True,
                    description=f"Attentes de qualité de {table} (bloquantes et avertissements)")
    def _check(context: dg.AssetCheckExecutionContext) -> dg.AssetCheckResult:
        quality.warm_up()
        con = open_build(settings, context.op_execution_context.run_id)
        try:
            outcomes = quality.validate_raw_table(settings, con, table, rules, context.op_execution_context.run_id)
            report.record_checks(con, context.op_execution_context.run_id, label, outcomes)
        finally:
            con.close()
        docs = quality.write_data_docs(settings, context.op_execution_context.run_id, label.replace("/", "."), outcomes)
        return check_result(context, label, outcomes, docs)

    return _check


def mart_quality_checks(settings: Settings, dbt_assets_def: dg.AssetsDefinition,
                        manifest: dict) -> dg.AssetChecksDefinition:
    """The Great Expectations suite of every mart (orchestration.checks.mart_rules), as one blocking
    check per mart computed by a single step: a step per mart would cost Dagster's step overhead
    (about 0.1 s) some forty times per refresh. A run that rebuilds some marts only (refresh_surveys)
    checks those marts only (can_subset)."""
    suites = quality.mart_rules(manifest)
    keys = {k.path[-1]: k for k in dbt_assets_def.keys if len(k.path) == 2 and k.path[0] == "marts"}
    specs = [dg.AssetCheckSpec("great_expectations", asset=keys[m], blocking=True,
                               description=f"Attentes de qualité de marts.{m} ({len(rules)} attentes et la variation "
                                           "du nombre de lignes)")
             for m, rules in sorted(suites.items()) if m in keys]

    @dg.multi_asset_check(specs=specs, can_subset=True, name="marts_great_expectations",
                          description="Attentes Great Expectations de chaque table des marts (bloquantes et avertissements)")
    def _checks(context: dg.AssetCheckExecutionContext):
        run_id = context.op_execution_context.run_id
        selected = sorted(context.selected_asset_check_keys, key=lambda k: k.asset_key.path[-1])
        quality.warm_up()
        tables = [f"marts.{k.asset_key.path[-1]}" for k in selected]
        previous, bounds = quality.previous_counts(settings, tables), quality.quality_settings(settings)
        con = open_build(settings, run_id)
        try:
            results = quality.validate_tables(settings, con, [(t, suites.get(t.split(".")[-1], [])) for t in tables],
                                              previous, bounds, reuse=True)
            evaluated = [(key, results[table]) for key, table in zip(selected, tables)]
            report.record_many_checks(con, run_id, [("/".join(k.asset_key.path), o) for k, o in evaluated])
        finally:
            con.close()
        for key, outcomes in evaluated:
            label = "/".join(key.asset_key.path)
            docs = quality.write_data_docs(settings, run_id, label.replace("/", "."), outcomes, index=False)
            yield check_result(context, label, outcomes, docs, asset_key=key.asset_key,
                               check_name=key.name)
        quality.write_docs_index(settings, run_id)

    return _checks


def check_result(context, label: str, outcomes: list[dict], docs: Path, **keys) -> dg.AssetCheckResult:
    """The Dagster result of one suite: failed blocking expectations -> ERROR, warnings -> WARN."""
    blocking = [o for o in outcomes if not o["passed"] and o["severity"] == report.BLOCKING]
    warnings = [o for o in outcomes if not o["passed"] and o["severity"] == report.WARNING]
    for o in blocking:
        context.log.error(f"{label} : contrôle bloquant en échec : {o['message']}")
    for o in warnings:
        context.log.warning(f"{label} : avertissement : {o['message']}")
    metadata = {"expectations": len(outcomes), "blocking_failed": len(blocking),
                "warnings_failed": len(warnings), "data_docs": dg.MetadataValue.path(str(docs))}
    reused = next((o["reused_from"] for o in outcomes if o.get("reused_from")), None)
    if reused:   # see checks.validate_tables(reuse=True)
        metadata["validation_reprise"] = f"contenu identique à celui validé le {reused} : attentes non réévaluées"
    return dg.AssetCheckResult(
        passed=not blocking and not warnings,
        severity=dg.AssetCheckSeverity.ERROR if blocking else dg.AssetCheckSeverity.WARN,
        description="; ".join(o["message"] for o in blocking + warnings) or "toutes les attentes sont satisfaites",
        metadata=metadata, **keys)


class _Translator(DagsterDbtTranslator):
    """Groups by dbt folder; the dbt tests that a mart's Great Expectations suite evaluates
    (``in_suites``, see checks.dbt_tests_in_suites) are not Dagster checks of their own: the check
    ``great_expectations`` of their mart reports them."""

    def __init__(self, in_suites: frozenset[str] = frozenset()):
        super().__init__()
        self.in_suites = in_suites

    def get_group_name(self, dbt_resource_props) -> str:
        fqn = dbt_resource_props.get("fqn", [])
        return fqn[1] if len(fqn) > 2 else "dbt"

    def get_asset_check_spec(self, asset_spec, manifest, unique_id, project):
        if manifest["nodes"].get(unique_id, {}).get("name") in self.in_suites:
            return None
        return super().get_asset_check_spec(asset_spec, manifest, unique_id, project)


def build_definitions(settings: Settings) -> dg.Definitions:
    project = dbt_project(settings)
    raw_assets = [raw_asset(name, settings) for name in settings.sources if source_loaders.is_known(name)]
    # The marts' not_null / unique / accepted_values tests are evaluated once, by the GE suites
    # (about 100 tests: run by dbt too, they cost ~2.5 s of a survey-only refresh at national scale).
    manifest = json.loads(Path(project.manifest_path).read_text(encoding="utf-8"))
    in_suites = quality.dbt_tests_in_suites(manifest)
    excluded = quality.dbt_exclude_criteria(manifest)

    @dbt_assets(manifest=project.manifest_path, project=project,
                dagster_dbt_translator=_Translator(frozenset(in_suites)))
    def observatoire_dbt(context: dg.AssetExecutionContext, dbt: DbtCliResource):
        """Staging, intermediate and mart models, with the dbt tests that no GE suite evaluates, built
        in the build file (by the warm dbt process of the run when there is one)."""
        os.environ["OBSERVATOIRE_BUILD_DB"] = str(prepare_build(settings, context.run_id))
        args = ["build", "--vars", json.dumps(dbt_vars(settings))]
        if excluded:
            args += ["--exclude", " ".join(excluded)]   # one value: dagster-dbt splits it
        warm = dbt_server.take(*_warm_dbt_command(settings))
        if warm:
            os.environ[dbt_server.ENV_SOCKET] = warm   # read by the dbt client that dagster-dbt starts
        try:
            for i, event in enumerate(dbt.cli(args, context=context).stream()):
                if i == 3:
                    crash_point("dbt")
                yield event
        finally:
            os.environ.pop(dbt_server.ENV_SOCKET, None)
        prune_dbt_targets(Path(project.project_dir) / project.target_path)   # target_path is relative

    @dg.asset(key=["warehouse", "published"], group_name="publication", deps=list(observatoire_dbt.keys),
              description="Atomic swap of the freshly built warehouse into the published file.")
    def published_warehouse(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
        survey_importer.wait_for_reports()   # the per-file survey reports, written meanwhile
        con = open_build(settings, context.run_id)
        try:
            disagreements = quality.confirm_pending(context.run_id)   # GE's part of the raw checks
            if disagreements:
                report.overrule_checks(con, context.run_id, [("raw/" + table.split(".", 1)[1].strip('"'), outcome)
                                                             for table, outcome in disagreements])
                raise dg.Failure(description="Publication annulée : Great Expectations signale des attentes en échec "
                                             "que le décompte SQL n'avait pas vues : " + " ; ".join(
                                                 f"{t} : {o['message']}" for t, o in disagreements))
            run_report = report.record_success(con, settings, context.run_id, _started_at(context))
        finally:
            con.close()
        path = publish(settings)
        report.write_json(settings, run_report)
        context.log.info(f"published {path}")
        return dg.MaterializeResult(metadata={"path": str(path), "bytes": Path(path).stat().st_size})

    asset_checks = [quality_check(settings, dg.AssetKey(["raw", name]), f'raw."{name}"', quality.raw_rules(name))
                    for name in settings.sources if source_loaders.is_known(name)]
    asset_checks.append(mart_quality_checks(settings, observatoire_dbt, manifest))

    @dg.run_failure_sensor(name="notify_refresh_failure", minimum_interval_seconds=30,
                           description="Rapport d'échec et notification (webhook / e-mail) d'un rafraîchissement")
    def notify_refresh_failure(context: dg.RunFailureSensorContext):
        record = context.instance.get_run_record_by_id(context.dagster_run.run_id)
        started = (datetime.fromtimestamp(record.start_time, timezone.utc).replace(tzinfo=None)
                   if record and record.start_time else None)
        handle_failure(settings, context.dagster_run.run_id, context.dagster_run.job_name,
                       context.failure_event.message or "", started)

    refresh_all = dg.define_asset_job("refresh_all", selection=dg.AssetSelection.all(),
                                      description="Refresh every source, rebuild the marts, publish.")
    jobs, schedules, sensors = schedules_and_sensors(settings, refresh_all)
    return dg.Definitions(
        assets=[*raw_assets, observatoire_dbt, published_warehouse],
        asset_checks=asset_checks,
        jobs=[refresh_all, *jobs],
        schedules=schedules,
        sensors=[*sensors, notify_refresh_failure],
        resources={"dbt": ObservatoireDbtCli(project_dir=project, dbt_executable=dbt_executable())},
        executor=dg.in_process_executor,
    )


def handle_failure(settings: Settings, run_id: str, job: str, message: str, started_at) -> None:
    """A failed refresh: keep its report beside the warehouse (JSON) and notify the team."""
    path = report.reports_dir(settings) / f"{run_id}.json"
    if path.exists():
        return  # already handled (by run.py or by the sensor)
    blocking = [f"Contrôle bloquant en échec sur {c['asset']} : {c['message']}"
                for c in report.collect(settings, run_id)["checks"]
                if not c["passed"] and c["severity"] == report.BLOCKING]
    message = "\n".join([line for line in blocking if line not in message] + [message])
    report.failed_run_report(settings, run_id, started_at, message)
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
