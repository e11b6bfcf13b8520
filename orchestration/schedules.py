"""Schedules per source cadence and the survey inbox sensor.

Each source declares its cadence (``ingest/sources/<source>.py``):

- ``monthly`` (France Services: the ANCT list is updated every month): ``refresh_monthly``;
- ``quarterly`` (inventories, grants, programme lists): ``refresh_quarterly``;
- ``yearly`` (INSEE, Etalab and ANCT referentials): ``refresh_yearly``, in January;
- ``inbox``: surveys and occupancy counts: a sensor watches the inbox folder (``[inbox] path`` in the TOML,
  default ``data/inbox``). A ``.csv`` / ``.xlsx`` file whose name says it is a count series
  (:data:`OCCUPANCY_NAME`: « comptage », « fréquentation », « occupation », « occupancy »,
  « attendance ») requests ``refresh_occupancy`` (``raw/occupancy_counts`` and what depends on it,
  when that source is configured); any other ``.csv`` / ``.xlsx`` file is a survey file and requests
  ``refresh_surveys`` (``raw/surveys`` and what depends on it). Each job rebuilds only the dbt models
  downstream of its source (selected through the asset graph, i.e. dbt's own graph) and the two marts
  that describe the publication (``meta_publication``, ``meta_sources``), runs their checks, and
  publishes; it starts from a copy of the current publication, so every other mart stays as published
  (when the same dbt models built it: ``orchestration.definitions.check_model_version``). The sensor
  reads file names only, never the files: their format is the loader's business.

Each job refreshes its sources and everything downstream (marts, checks, publication). Cron
expressions can be overridden in ``[schedules]`` of the configuration (keys = job names).
"""

import re
import tomllib
import unicodedata
from pathlib import Path

import dagster as dg

from ingest.config import PROJECT_ROOT, Settings
from ingest.sources import CADENCES as CADENCE_LABELS
from ingest.sources import SOURCES

_CRONS = {"monthly": "0 5 3 * *", "quarterly": "0 5 5 1,4,7,10 *", "yearly": "0 5 15 1 *"}
CADENCES: dict[str, tuple[str, tuple[str, ...], str]] = {
    # job name: (default cron, sources of that cadence, description)
    f"refresh_{cadence}": (cron, tuple(n for n, s in SOURCES.items() if s.cadence == cadence),
                           f"les sources mises à jour {CADENCE_LABELS[cadence]}")
    for cadence, cron in _CRONS.items()
}
SURVEY_JOB = "refresh_surveys"
OCCUPANCY_JOB = "refresh_occupancy"
INBOX_JOBS = {"surveys": SURVEY_JOB, "occupancy_counts": OCCUPANCY_JOB}   # inbox source -> job
SURVEY_SOURCES = tuple(INBOX_JOBS)
INBOX_SUFFIXES = (".csv", ".xlsx")
OCCUPANCY_NAME = re.compile(r"comptage|frequentation|occupation|occupancy|attendance|affluence", re.IGNORECASE)


def _raw_config(settings: Settings) -> dict:
    with open(settings.config_path, "rb") as fh:
        return tomllib.load(fh)


def inbox_dir(settings: Settings) -> Path:
    path = Path(_raw_config(settings).get("inbox", {}).get("path", "data/inbox")).expanduser()
    return path if path.is_absolute() else PROJECT_ROOT / path


def inbox_source(path: Path) -> str:
    """The source an inbox file feeds, from its name: ``occupancy_counts`` or ``surveys``."""
    name = unicodedata.normalize("NFKD", path.stem).encode("ascii", "ignore").decode("ascii")
    return "occupancy_counts" if OCCUPANCY_NAME.search(name) else "surveys"


def inbox_files(settings: Settings, source: str | None = "surveys") -> list[Path]:
    """Inbox files of ``source`` (default: the survey files; ``None``: every file)."""
    folder = inbox_dir(settings)
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in INBOX_SUFFIXES
                  and not p.name.startswith((".", "~$"))   # hidden files, Office lock files
                  and (source is None or inbox_source(p) == source))


# The marts that describe the publication itself (its build time, the files behind it): every job rebuilds
# them, or a partial refresh would publish the date and the files of the previous publication.
PUBLICATION_MARTS = (dg.AssetKey(["marts", "meta_publication"]), dg.AssetKey(["marts", "meta_sources"]))


def _job_selection(keys: list[dg.AssetKey]) -> dg.AssetSelection:
    """The sources ``keys``, everything downstream of them, and the marts describing the publication."""
    return dg.AssetSelection.assets(*keys).downstream() | dg.AssetSelection.assets(*PUBLICATION_MARTS)


def schedules_and_sensors(settings: Settings, refresh_all):
    overrides = _raw_config(settings).get("schedules", {})
    jobs, schedules = [], []
    for job_name, (cron, sources, label) in CADENCES.items():
        keys = [dg.AssetKey(["raw", s]) for s in sources if s in settings.sources]
        if not keys:
            continue
        job = dg.define_asset_job(job_name, selection=_job_selection(keys),
                                  description=f"Rafraîchit {label}, puis les indicateurs, et publie.")
        jobs.append(job)
        schedules.append(dg.ScheduleDefinition(name=f"{job_name}_schedule", job=job,
                                               cron_schedule=overrides.get(job_name, cron),
                                               execution_timezone="Europe/Paris",
                                               default_status=dg.DefaultScheduleStatus.STOPPED))
    sensors = []
    inbox_jobs = {}
    descriptions = {
        "surveys": "Rafraîchit les enquêtes, puis les seuls indicateurs qui en dépendent, et publie.",
        "occupancy_counts": "Rafraîchit les comptages de fréquentation, puis les seuls indicateurs qui en "
                            "dépendent, et publie.",
    }
    for source, job_name in INBOX_JOBS.items():
        if source in settings.sources:
            inbox_jobs[source] = dg.define_asset_job(
                job_name, selection=_job_selection([dg.AssetKey(["raw", source])]),
                description=descriptions[source])
    jobs += list(inbox_jobs.values())
    for source, job in inbox_jobs.items():
        sensors.append(_inbox_sensor(settings, source, job))
    return jobs, schedules, sensors


SENSOR_NAMES = {"surveys": "survey_inbox_sensor", "occupancy_counts": "occupancy_inbox_sensor"}


def _inbox_sensor(settings: Settings, source: str, job) -> dg.SensorDefinition:
    what = "d'enquête" if source == "surveys" else "de comptage de fréquentation"

    @dg.sensor(name=SENSOR_NAMES[source], job=job, minimum_interval_seconds=60,
               description=f"Lance {job.name} quand un fichier {what} arrive dans la boîte de dépôt")
    def _sensor(context: dg.SensorEvaluationContext):
        files = inbox_files(settings, source)
        if not files:
            return dg.SkipReason(f"Aucun fichier {what} (.csv, .xlsx) dans {inbox_dir(settings)}")
        # One run per new or modified file set (run_key deduplicates across evaluations).
        key = "|".join(f"{p.name}:{p.stat().st_mtime_ns}" for p in files)
        return dg.RunRequest(run_key=key, job_name=job.name,
                             tags={"inbox_files": ", ".join(p.name for p in files), "inbox_source": source})

    return _sensor
