"""Which loader ingests a source.

Most sources are loaded by :func:`ingest.load.load_source` under their contract
(:data:`ingest.contracts.CONTRACTS`). A source whose files need more than a contract (the
observatory's questionnaires, read through column-mapping files and validated answer by answer)
registers its own loader in :data:`CUSTOM_LOADERS` as ``"module:function"``; that function has the
signature of :func:`load` minus ``source`` and must write its tables with
:func:`ingest.load.replace_raw`, so that every source keeps the same raw layout and row accounting
(``rows_read = rows_loaded + rows_rejected``) in ``raw._manifest``.
"""

from __future__ import annotations

import importlib

import duckdb

from ingest.config import Settings
from ingest.contracts import CONTRACTS
from ingest.fetch import Snapshot
from ingest.load import LoadResult, load_source

CUSTOM_LOADERS: dict[str, str] = {
    "surveys": "ingest.surveys.importer:load",
    "occupancy_counts": "ingest.occupancy:load",
}


# Sources a publication can go without (what their absence leaves out, in French). An empty optional
# source is reported as a warning by the quality gate, never blocking; an empty required source (the
# referential, the inventories) blocks the publication.
OPTIONAL_SOURCES: dict[str, str] = {
    "surveys": "aucune enquête reçue pour l'instant : les indicateurs de fréquentation ne sont pas calculés",
    "occupancy_counts": "aucun comptage de fréquentation reçu",
    "subventions": "aucune subvention publiée : les financements constatés ne sont pas calculés",
    "programme_laureates": "aucun lauréat de programme chargé",
    "conseillers_numeriques": "aucune structure de conseillers numériques chargée",
    "mobpro_flows": "aucun flux domicile-travail : les indicateurs de mobilité ne sont pas calculés",
    "communes_idf": "aucune liste de communes du fichier de flux",
}


def is_known(source: str) -> bool:
    """True when the project knows how to load ``source`` (a contract or a custom loader)."""
    return source in CONTRACTS or source in CUSTOM_LOADERS


def description(source: str) -> str:
    contract = CONTRACTS.get(source)
    return contract.description if contract else source


def load(con: duckdb.DuckDBPyConnection, source: str, snapshots: list[Snapshot],
         settings: Settings | None = None) -> LoadResult:
    """Load every snapshot of ``source`` into ``raw.<source>`` / ``raw.<source>_rejects``."""
    target = CUSTOM_LOADERS.get(source)
    if target is None:
        return load_source(con, source, snapshots)
    module, func = target.split(":")
    return getattr(importlib.import_module(module), func)(con, snapshots, settings)
