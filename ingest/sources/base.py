"""What a source declaration holds (:class:`Source`): one module per source in this package."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ingest.contracts import Contract

# How often a publisher updates a source: the refresh job and its default cron
# (orchestration/schedules.py), overridable in ``[schedules]`` of the configuration.
CADENCES = {
    "monthly": "chaque mois",
    "quarterly": "chaque trimestre",
    "yearly": "chaque année",
    "inbox": "à chaque dépôt dans la boîte de réception",
}
DEPLOYMENTS = ("production", "demo", "shared-data")


@dataclass(frozen=True)
class Source:
    """One publication, declared once: it drives the loader (``contract`` or ``loader``), the dbt
    source (``dbt_project/models/staging/_sources.yml``, generated), the schedule (``cadence``), the
    raw quality checks (``contract``, ``optional``) and the labels users read (``label``,
    ``publisher``, ``licence``, in ``marts.meta_sources`` and on the dashboard)."""

    name: str                      # raw table name, asset key raw/<name>, staging model stg_<name>
    label: str                     # French, short: what users read ("ANCT, liste des France Services")
    description: str               # French: the publication and its vintage
    publisher: str
    licence: str
    cadence: str                   # a key of CADENCES
    locations: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Where each deployment (DEPLOYMENTS) gets the files: URLs, or paths where ``{mirror}`` is the
    configuration's ``[paths] mirror`` and a relative path starts at the project root."""
    contract: Contract | None = None   # columns, aliases, patterns, key: what a row must be to load
    loader: str | None = None
    """``"module:function"`` for a source whose files need more than a contract (the surveys): same
    signature as :func:`ingest.sources.load` minus ``source``; it writes with ``ingest.load.replace_raw``."""
    optional: str | None = None
    """French: what the publication leaves out when this source is empty. An empty optional source is
    a warning; an empty required source (no ``optional``) blocks the publication."""
    extra_tables: dict[str, str] = field(default_factory=dict)
    """Other raw tables the source's loader writes (name -> description), declared to dbt as well."""
    demo: Callable[[Path, object], dict[str, int]] | None = None
    """Writes the source's files in a synthetic mirror (the demo's, the benchmark's) in the publication's
    format: ``(mirror folder, drawn territory: ingest.demo.records.Drawn) -> {relative path: records}``.
    For a source whose format is not in ``ingest.demo.formats`` (the generator writes those)."""
    defects: tuple[str, ...] = ()
    """Known defects of the real files and what the product does about them (French, for the docs)."""

    def __post_init__(self):
        if self.cadence not in CADENCES:
            raise ValueError(f"source {self.name}: cadence {self.cadence!r} not in {sorted(CADENCES)}")
        unknown = set(self.locations) - set(DEPLOYMENTS)
        if unknown:
            raise ValueError(f"source {self.name}: unknown deployments {sorted(unknown)}")
        if self.contract is None and self.loader is None:
            raise ValueError(f"source {self.name}: a contract or a loader is needed")
