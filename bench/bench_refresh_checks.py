"""How long the Great Expectations checks add to a demo refresh, and how long publication takes.

    .venv/bin/python bench/bench_refresh_checks.py

Generates the demo territory in a temporary folder, runs the refresh twice (the second one compares
row counts with a previous publication) and prints, per run, the total time, the time spent in the
quality-check steps and in the publication step (from Dagster's step events).
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import dagster as dg  # noqa: E402

from ingest.demo.generator import generate  # noqa: E402
from orchestration.run import refresh  # noqa: E402
from tests.conftest import write_config  # noqa: E402


def step_durations(instance, result) -> dict[str, float]:
    spent = defaultdict(float)
    for stats in instance.get_run_step_stats(result.run_id):
        if stats.start_time and stats.end_time:
            spent[stats.step_key] += stats.end_time - stats.start_time
    return spent


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        generate(tmp / "mirror", seed=2024)
        cfg = write_config(tmp, tmp / "mirror")
        lines = []
        for i in (1, 2):
            instance = dg.DagsterInstance.ephemeral()
            t0 = time.perf_counter()
            result = refresh(str(cfg), instance=instance)
            total = time.perf_counter() - t0
            spent = step_durations(instance, result)
            checks = sum(v for k, v in spent.items() if k.endswith("great_expectations"))
            n_checks = sum(1 for k in spent if k.endswith("great_expectations"))
            lines.append(f"refresh {i}: {'succès' if result.success else 'échec'}, total {total:.1f} s, "
                  f"GE checks {checks:.1f} s over {n_checks} steps ({checks / total:.0%}), "
                  f"dbt {spent.get('observatoire_dbt', 0):.1f} s, publication {spent.get('warehouse__published', 0):.2f} s")
        print("\n".join(lines))  # after dbt's own output


if __name__ == "__main__":
    main()
