"""Run the full refresh in process (what `make warehouse` / `make demo` do) and say where the result is.

    python -m orchestration.run [--config config/demo.toml] [--job refresh_monthly]

``--job`` runs another job of the deployment instead of ``refresh_all``: a cadence job
(``refresh_monthly``, ``refresh_quarterly``, ``refresh_yearly``) or an inbox job (``refresh_surveys``,
``refresh_occupancy``), as its schedule or sensor would.

Run history is kept when ``DAGSTER_HOME`` is set (as `make dev` does); otherwise an ephemeral
instance is used.
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from datetime import datetime, timezone
from pathlib import Path

import dagster as dg

from dashboards.formatting import fr_number
from ingest.config import PROJECT_ROOT, load_settings
from ingest.errors import ConfigError
from ingest.warehouse import open_published
from orchestration import report
from orchestration.definitions import build_definitions, handle_failure


def refresh(config: str | None = None, instance: dg.DagsterInstance | None = None,
            job_name: str = "refresh_all", defs: dg.Definitions | None = None) -> dg.ExecuteInProcessResult:
    """Run ``job_name`` (``refresh_all``, or e.g. ``refresh_surveys``) in process."""
    settings = load_settings(config)
    defs = defs or build_definitions(settings)
    try:
        job = defs.resolve_job_def(job_name)
    except dg.DagsterInvariantViolationError:   # an unknown name (the jobs are listed only then: 0.3 s)
        jobs = sorted(j.name for j in defs.resolve_all_job_defs() if not j.name.startswith("__"))
        raise ConfigError(f"job inconnu : « {job_name} ». Jobs de ce déploiement : {', '.join(jobs)}") from None
    if instance is None:
        instance = dg.DagsterInstance.get() if os.environ.get("DAGSTER_HOME") else dg.DagsterInstance.ephemeral()
    run_config = {"loggers": {"console": {"config": {"log_level": "INFO"}}}}
    result = job.execute_in_process(instance=instance, raise_on_error=False, run_config=run_config)
    if not result.success:
        # Sensors do not run for in-process executions: report and notify here.
        record = instance.get_run_record_by_id(result.run_id)
        started = (datetime.fromtimestamp(record.start_time, timezone.utc).replace(tzinfo=None)
                   if record and record.start_time else None)
        handle_failure(settings, result.run_id, job.name, failure_message(settings, result), started)
    return result


def failure_message(settings, result: dg.ExecuteInProcessResult) -> str:
    """Why a run failed, in French: failed blocking checks first, then failed steps."""
    lines = [f"Contrôle bloquant en échec sur {c['asset']} : {c['message']}"
             for c in report.collect(settings, result.run_id)["checks"]
             if not c["passed"] and c["severity"] == report.BLOCKING]
    lines += report.step_failure_lines(result.all_events)
    return "\n".join(lines) or "Échec du rafraîchissement (voir l'historique Dagster)."


def summary(config: str | None = None, run_id: str | None = None) -> str:
    """What was published, in French; with ``run_id``, that run's quality warnings (published anyway:
    empty optional sources, dbt tests declared as warnings, row-count notes)."""
    settings = load_settings(config)
    con = open_published(settings)
    try:
        manifest = con.execute(
            "select source_name, sum(rows_read), sum(rows_loaded), sum(rows_rejected), bool_or(stale) "
            "from marts.meta_sources group by source_name order by source_name").fetchall()
        n_places, n_fs = con.execute(
            "select count(*) filter (where place_family = 'tiers_lieu'), "
            "count(*) filter (where place_family = 'france_services') from marts.dim_place").fetchone()
        n_communes, pop = con.execute("select count(*), sum(population) from marts.dim_commune").fetchone()
        warnings = [f"  {asset} : {message}" for asset, message in con.execute(
            "select asset, message from ops.refresh_checks where run_id = ? and not passed and severity = ? "
            "order by asset, check_name", [run_id, report.WARNING]).fetchall()] if run_id else None
    finally:
        con.close()
    lines = [f"Entrepôt publié : {settings.published_path}", f"Territoire : {settings.territory.name}",
             f"  {n_communes} communes, {fr_number(pop)} habitants, {n_places} tiers-lieux, {n_fs} France Services",
             "Lignes par source (lues = chargées + rejetées) :"]
    for source, read, loaded, rejected, stale in manifest:
        lines.append(f"  {source:<18} {read:>8} = {loaded:>8} + {rejected:>5}{'  (copie ancienne)' if stale else ''}")
    lines += ["Exemple de requête (lecture seule) :",
              f"  .venv/bin/python -c \"import duckdb; con = duckdb.connect('{settings.published_path}', read_only=True); "
              "print(con.sql('select epci_name, n_tiers_lieux, tiers_lieux_per_10k from marts.fct_coverage_epci "
              "order by n_tiers_lieux desc'))\""]
    if warnings is not None:
        lines += ([f"Contrôle qualité : {len(warnings)} avertissement(s) (publié malgré tout) :", *warnings]
                  if warnings else ["Contrôle qualité : aucun avertissement."])
    return "\n".join(lines)


def log_traceback() -> Path:
    """Append the current exception's traceback to the log (``$OBSERVATOIRE_LOG``, default
    ``data/logs/observatoire.log``): the user reads one French paragraph, the log keeps the details."""
    log = Path(os.environ.get("OBSERVATOIRE_LOG") or PROJECT_ROOT / "data" / "logs" / "observatoire.log")
    try:
        log.parent.mkdir(parents=True, exist_ok=True)
        with log.open("a", encoding="utf-8") as fh:
            fh.write(f"--- {datetime.now(timezone.utc).isoformat(timespec='seconds')}\n{traceback.format_exc()}\n")
    except OSError:
        pass
    return log


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", default=None, help="configuration file (default: $OBSERVATOIRE_CONFIG or config/demo.toml)")
    parser.add_argument("--job", default="refresh_all", help="job to run (default: refresh_all)")
    args = parser.parse_args(argv)
    try:
        result = refresh(args.config, job_name=args.job)
    except ConfigError as exc:
        log = log_traceback()
        print(f"Configuration inutilisable : {exc}\nRien n'a été rafraîchi ; l'entrepôt publié (s'il existe) est "
              f"inchangé. Détail technique : {log}", file=sys.stderr)
        return 2
    if not result.success:
        settings = load_settings(args.config)
        print(failure_message(settings, result), file=sys.stderr)
        print(f"Rapport : {report.reports_dir(settings) / (result.run_id + '.json')}", file=sys.stderr)
        print("Le rafraîchissement a échoué : l'entrepôt publié précédent (s'il existe) est inchangé.", file=sys.stderr)
        return 1
    print(summary(args.config, result.run_id))
    return 0


if __name__ == "__main__":
    sys.exit(main())
