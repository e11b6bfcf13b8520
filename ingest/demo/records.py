"""The generated facts both scales share, in one shape: places, France Services, grants, flows, and
the drawn territory as a whole.

A scale (``departement`` or ``national``) draws them with its own model of the territory; the row builders
of :mod:`ingest.demo.formats` write them and :mod:`ingest.demo.truth` counts them. Communes are referred to
by their index in the scale's list of communes (``host``)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from ingest.demo.truth import Facts


@dataclass(eq=False)
class Place:
    """A tiers-lieu of the 2019 inventory."""

    id: str
    name: str
    typo: str
    host: int              # index of its commune
    lat: float
    lon: float
    sentinel: bool = False  # published with the inventory's ``0`` instead of its commune code and postcode
    siret: str = ""         # known SIRET (grants, survey); "" when none
    address: str = ""       # "" when drawn with the inventory row (national scale)


@dataclass(eq=False)
class FranceServices:
    host: int              # index of its commune
    kind: str              # Principal | Antenne
    row: list              # its row of the ANCT list (formats.france_services_row)


@dataclass(eq=False)
class Grant:
    """A grant of the SCDL file (formats.grant_row)."""

    funder: str
    funder_id: str
    date: str              # YYYY-MM-DD
    ref: str
    beneficiary: str       # as published (capitals, sometimes a double space)
    beneficiary_id: str
    purpose: str
    cents: int
    conditions: str
    period: str
    share: str
    place: Place | None    # the inventory place it funds, if any


@dataclass
class Flows:
    """Rows of a flows file: indices into ``table`` (codes and names), values as written."""

    table_codes: list[str]
    table_names: list[str]
    origin: np.ndarray          # index into the table
    dest: np.ndarray
    values: np.ndarray          # float64, rounded to 6 decimals
    origin_commune: np.ndarray  # commune index (arrondissements brought back to their city)
    dest_commune: np.ndarray    # commune index, -1 abroad


@dataclass
class Drawn:
    """A scale's territory, drawn from its seed: what :func:`ingest.demo.generator.write_mirror` writes and
    counts."""

    publications: Iterator[tuple[str, list | Flows]]   # (relative path, records), built lazily in this order
    facts: Facts
    #: writes the referential files under a mirror folder; returns (their truth or None, {path: records})
    write_referential: Callable[[Path], tuple[dict | None, dict[str, int]]]
