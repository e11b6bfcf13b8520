"""Demo occupancy counts of the fictional territory, in the exact format of the real series.

The real series (La Permanence, ``attendance.csv``: ``timestamp,Moulin,Alésia`` with timestamps like
``2019-01-08-14-49-06`` and the number of AVAILABLE seats per site) is imitated for four fictional
places of the demo territory, observed every 10 minutes during opening hours (weekdays 8:00-20:00,
Saturday 9:00-13:00) for eight weeks. Their capacities are the ones of the dbt seed
``ref_occupancy_capacity`` (the demo declares them; the real sites' capacities are unknown and taken
as the maximum of available seats observed).

Written by :func:`ingest.demo.generator.write_mirror` for both territories; the file is configured as
source ``occupancy_counts`` in ``config/demo.toml``.
"""

from __future__ import annotations

import io
import math
import random
from datetime import datetime, timedelta
from pathlib import Path

from ingest.demo.layout import OCCUPANCY

REL_PATH = OCCUPANCY
SITES = (("Coworking de la Gare", 40, 0.65), ("Atelier des Halles", 24, 0.45),   # name, capacity, peak occupancy
         ("Tiers-lieu du Moulin", 30, 0.35), ("Espace France Services de Vaux", 12, 0.8))
START = datetime(2025, 3, 3)
WEEKS = 8
STEP_MIN = 10


def rows(rng: random.Random) -> list[list[str]]:
    out = []
    day = START
    for _ in range(WEEKS * 7):
        wd = day.weekday()
        hours = (8, 20) if wd < 5 else (9, 13) if wd == 5 else None
        if hours:
            t = day + timedelta(hours=hours[0])
            end = day + timedelta(hours=hours[1])
            while t < end:
                h = t.hour + t.minute / 60
                vals = []
                for _, cap, peak in SITES:
                    level = peak * (0.6 if wd == 5 else 1.0) * math.sin(math.pi * (h - 7.5) / 13) ** 2
                    occupied = min(cap, max(0, round(cap * level + rng.gauss(0, 1.5))))
                    vals.append(str(cap - occupied))
                out.append([(t + timedelta(seconds=rng.choice([0, 0, 1]))).strftime("%Y-%m-%d-%H-%M-%S"), *vals])
                t += timedelta(minutes=STEP_MIN)
        day += timedelta(days=1)
    return out


def write_attendance(out_dir: Path, seed: int = 2024) -> dict[str, int]:
    """Write the demo occupancy series under ``out_dir``; return {relative path: data rows}."""
    data = rows(random.Random(f"attendance-{seed}"))
    buf = io.StringIO(newline="")
    buf.write("timestamp," + ",".join(name for name, _, _ in SITES) + "\n")
    for r in data:
        buf.write(",".join(r) + "\n")
    path = Path(out_dir) / REL_PATH
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buf.getvalue().encode("utf-8"))
    return {REL_PATH: len(data)}
