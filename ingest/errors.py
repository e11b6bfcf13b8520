"""Errors raised to the observatory team. Messages are in French and name the source and file."""

from __future__ import annotations


class IngestError(Exception):
    """A source could not be fetched or read; nothing of it was loaded."""

    def __init__(self, source: str, message: str, *, location: str | None = None):
        self.source = source
        self.location = location
        self.reason = message
        where = f" ({location})" if location else ""
        super().__init__(f"Source « {source} »{where} : {message}")

    def name_file(self, location: str) -> None:
        """Name the file by ``location`` when the error names one: the readers name the archived copy they
        read, the team knows the file by its location (the URL or path of the configuration, the file dropped
        in the inbox)."""
        if self.location is not None and self.location != location:
            self.location = location
            self.args = (f"Source « {self.source} » ({location}) : {self.reason}",)

    def of_snapshot(self, snap) -> None:
        """The error of the file ``snap`` refused whole: named by its location (:meth:`name_file`) and kept
        with it, so that ``ingest.sources.load_or_keep_previous`` may put the previous copy of that file in
        its place."""
        self.name_file(snap.location)
        self.snapshot = snap


class FetchError(IngestError):
    """Download failed and no earlier snapshot can stand in for it."""


class ContractError(IngestError):
    """The file does not have the shape the source's contract expects (missing column, unreadable...)."""


class ConfigError(ValueError):
    """The configuration file cannot be used (syntax, unknown key or code, missing location): the French
    message names the file, the table or key, the line when known, and what to do."""


class OutdatedPublicationError(Exception):
    """A partial refresh (one source's job) cannot complete the current publication: it was built by other
    dbt models than this version's (``meta_publication.model_version``); a full refresh publishes it again."""
