"""Schedules per source cadence and the survey inbox sensor.

- France Services: monthly (the ANCT list is updated every month);
- inventories (tiers-lieux, subventions): quarterly;
- INSEE (COG, populations, communes, commuting flows): yearly, in January;
- surveys: a sensor watches the inbox folder (``[inbox] path`` in the TOML, default ``data/inbox``)
  and runs ``refresh_surveys`` when a survey file (``.csv`` or ``.xlsx``) appears or changes there.
  That job loads ``raw/surveys`` (and ``raw/occupancy_counts`` when configured), rebuilds only the
  dbt models downstream of them (selected through the asset graph, i.e. dbt's own graph), runs
  their checks, and publishes; it starts from a copy of the current publication, so every other
  mart stays as published. The sensor never reads the files: their format is the loader's business.

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
SURVEY_SOURCES = ("surveys", "occupancy_counts")   # refreshed by SURVEY_JOB when configured
INBOX_SUFFIXES = (".csv", ".xlsx")


def _raw_config(settings: Settings) -> dict:
    with open(settings.config_path, "rb") as fh:
        return tomllib.load(fh)


def inbox_dir(settings: Settings) -> Path:
    path = Path(_raw_config(settings).get("inbox", {}).get("path", "data/inbox")).expanduser()
    return path if path.is_absolute() else PROJECT_ROOT / path


def inbox_files(settings: Settings) -> list[Path]:
    folder = inbox_dir(settings)
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in INBOX_SUFFIXES
                  and not p.name.startswith((".", "~$")))   # hidden files, Office lock files


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
        keys = [dg.AssetKey(["raw", s]) for s in SURVEY_SOURCES if s in settings.sources]
        survey_job = dg.define_asset_job(SURVEY_JOB, selection=dg.AssetSelection.assets(*keys).downstream(),
                                         description="Rafraîchit les enquêtes (et les comptages de fréquentation), "
                                                     "puis les seuls indicateurs qui en dépendent, et publie.")
        jobs.append(survey_job)

        @dg.sensor(name="survey_inbox_sensor", job=survey_job, minimum_interval_seconds=60,
                   description="Lance le rafraîchissement des enquêtes quand un fichier arrive dans la boîte de dépôt")
        def survey_inbox_sensor(context: dg.SensorEvaluationContext):
            files = inbox_files(settings)
            if not files:
                return dg.SkipReason(f"Aucun fichier d'enquête (.csv, .xlsx) dans {inbox_dir(settings)}")
            # One run per new or modified file set (run_key deduplicates across evaluations).
            key = "|".join(f"{p.name}:{p.stat().st_mtime_ns}" for p in files)
            return dg.RunRequest(run_key=key, tags={"inbox_files": ", ".join(p.name for p in files)})

        sensors.append(survey_inbox_sensor)
    return jobs, schedules, sensors
