"""Dagster definitions of the observatory: one asset per raw source, the dbt project, publication.

Load it with ``dagster dev -m orchestration.definitions`` (``make dev``). The configuration file is
``$OBSERVATOIRE_CONFIG`` (default ``config/demo.toml``). Assets hold the logic; the job only selects.
DuckDB has a single writer, so the job runs in process, one step at a time.
"""


import json
import os
import shutil
import sys
from pathlib import Path

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets

from ingest.config import PROJECT_ROOT, Settings, load_settings
from ingest.contracts import CONTRACTS
from ingest.fetch import fetch
from ingest.load import load_source
from ingest.warehouse import open_build, publish

DBT_DIR = PROJECT_ROOT / "dbt_project"


def dbt_project() -> DbtProject:
    """The dbt project, with its manifest parsed when missing or older than a model file."""
    project = DbtProject(project_dir=DBT_DIR, profiles_dir=DBT_DIR)
    manifest = project.manifest_path
    newest = max(p.stat().st_mtime for p in DBT_DIR.rglob("*") if p.suffix in {".sql", ".yml", ".csv"}
                 and "target" not in p.parts)
    if not manifest.exists() or manifest.stat().st_mtime < newest:
        os.environ.setdefault("OBSERVATOIRE_BUILD_DB", str(DBT_DIR / "target" / "parse.duckdb"))
        DbtCliResource(project_dir=project, dbt_executable=dbt_executable()).cli(
            ["parse", "--quiet"], target_path=project.target_path).wait()
    return project


def dbt_executable() -> str:
    """The dbt installed beside this Python (the project's venv), even when the venv is not activated."""
    beside = Path(sys.executable).parent / "dbt"
    return str(beside) if beside.exists() else (shutil.which("dbt") or "dbt")


def dbt_vars(settings: Settings) -> dict:
    return {
        "territory_name": settings.territory.name,
        "territory_departements": list(settings.territory.departements),
        "territory_fictional": settings.territory.fictional,
        "access_distances_km": list(settings.access_distances_km),
    }


def raw_asset(name: str, settings: Settings) -> dg.AssetsDefinition:
    source = settings.sources[name]

    @dg.asset(key=["raw", name], group_name="raw", kinds={"duckdb"},
              description=f"{source.description or CONTRACTS[name].description} (raw rows + rejects)")
    def _asset(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
        snapshots = [fetch(name, loc, settings.snapshot_dir) for loc in source.locations]
        con = open_build(settings)
        try:
            result = load_source(con, name, snapshots)
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
            "locations": ", ".join(source.locations),
        })

    return _asset


class _Translator(DagsterDbtTranslator):
    def get_group_name(self, dbt_resource_props) -> str:
        fqn = dbt_resource_props.get("fqn", [])
        return fqn[1] if len(fqn) > 2 else "dbt"


def build_definitions(settings: Settings) -> dg.Definitions:
    project = dbt_project()
    raw_assets = [raw_asset(name, settings) for name in settings.sources if name in CONTRACTS]

    @dbt_assets(manifest=project.manifest_path, project=project, dagster_dbt_translator=_Translator())
    def observatoire_dbt(context: dg.AssetExecutionContext, dbt: DbtCliResource):
        """Staging, intermediate and mart models, with their dbt tests, built in the build file."""
        os.environ["OBSERVATOIRE_BUILD_DB"] = str(settings.build_path)
        args = ["build", "--vars", json.dumps(dbt_vars(settings))]
        yield from dbt.cli(args, context=context).stream()

    @dg.asset(key=["warehouse", "published"], group_name="publication", deps=list(observatoire_dbt.keys),
              description="Atomic swap of the freshly built warehouse into the published file.")
    def published_warehouse(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
        path = publish(settings)
        context.log.info(f"published {path}")
        return dg.MaterializeResult(metadata={"path": str(path), "bytes": Path(path).stat().st_size})

    refresh_all = dg.define_asset_job("refresh_all", selection=dg.AssetSelection.all(),
                                      description="Refresh every source, rebuild the marts, publish.")
    return dg.Definitions(
        assets=[*raw_assets, observatoire_dbt, published_warehouse],
        jobs=[refresh_all],
        resources={"dbt": DbtCliResource(project_dir=project, dbt_executable=dbt_executable())},
        executor=dg.in_process_executor,
    )


defs = build_definitions(load_settings())
