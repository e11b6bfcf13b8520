"""Schedules per source cadence and the survey inbox sensor.

- France Services: monthly (the ANCT list is updated every month);
- inventories (tiers-lieux, subventions): quarterly;
- INSEE (COG, populations, communes, commuting flows): yearly, in January;
- surveys: a sensor watches the inbox folder (``[inbox] path`` in the TOML, default ``data/inbox``)
  and refreshes the surveys when a CSV file appears or changes there.

Each job refreshes its sources and everything downstream (marts, checks, publication). Cron
expressions can be overridden in ``[schedules]`` of the configuration (keys = job names).
"""

from pathlib import Path
import tomllib

import dagster as dg

from ingest.config import PROJECT_ROOT, Settings

CADENCES: dict[str, tuple[str, tuple[str, ...], str]] = {
    # job name: (default cron, sources, description)
    "refresh_france_services": ("0 5 3 * *", ("france_services",), "France Services, chaque mois"),
    "refresh_inventories": ("0 5 5 1,4,7,10 *", ("tierslieux_2019", "subventions"), "inventaires, chaque trimestre"),
    "refresh_insee": ("0 5 15 1 *", ("cog_communes", "populations", "communes_geo", "mobpro_flows"),
                      "sources INSEE, chaque année"),
}
SURVEY_JOB = "refresh_surveys"


def _raw_config(settings: Settings) -> dict:
    with open(settings.config_path, "rb") as fh:
        return tomllib.load(fh)


def inbox_dir(settings: Settings) -> Path:
    path = Path(_raw_config(settings).get("inbox", {}).get("path", "data/inbox")).expanduser()
    return path if path.is_absolute() else PROJECT_ROOT / path


def inbox_files(settings: Settings) -> list[Path]:
    folder = inbox_dir(settings)
    return sorted(p for p in folder.glob("*.csv") if p.is_file()) if folder.is_dir() else []


def schedules_and_sensors(settings: Settings, refresh_all):
    overrides = _raw_config(settings).get("schedules", {})
    jobs, schedules = [], []
    for job_name, (cron, sources, label) in CADENCES.items():
        keys = [dg.AssetKey(["raw", s]) for s in sources if s in settings.sources]
        if not keys:
            continue
        job = dg.define_asset_job(job_name, selection=dg.AssetSelection.assets(*keys).downstream(),
                                  description=f"Rafraîchit {label}, puis les indicateurs, et publie.")
        jobs.append(job)
        schedules.append(dg.ScheduleDefinition(name=f"{job_name}_schedule", job=job,
                                               cron_schedule=overrides.get(job_name, cron),
                                               execution_timezone="Europe/Paris",
                                               default_status=dg.DefaultScheduleStatus.STOPPED))
    sensors = []
    if "surveys" in settings.sources:
        survey_job = dg.define_asset_job(SURVEY_JOB, selection=dg.AssetSelection.assets(
            dg.AssetKey(["raw", "surveys"])).downstream(), description="Rafraîchit les enquêtes, puis publie.")
        jobs.append(survey_job)

        @dg.sensor(name="survey_inbox_sensor", job=survey_job, minimum_interval_seconds=60,
                   description="Lance le rafraîchissement des enquêtes quand un fichier arrive dans la boîte de dépôt")
        def survey_inbox_sensor(context: dg.SensorEvaluationContext):
            files = inbox_files(settings)
            if not files:
                return dg.SkipReason(f"Aucun fichier CSV dans {inbox_dir(settings)}")
            # One run per new or modified file set (run_key deduplicates across evaluations).
            key = "|".join(f"{p.name}:{p.stat().st_mtime_ns}" for p in files)
            return dg.RunRequest(run_key=key, tags={"inbox_files": ", ".join(p.name for p in files)})

        sensors.append(survey_inbox_sensor)
    return jobs, schedules, sensors
