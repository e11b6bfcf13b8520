"""Run the documented refresh (``python -m orchestration.run``) and stop it for good at a crash point,
for the crash-safety tests (tests/test_refresh_safety.py): no fault injection lives in the product.

    python tests/crash_refresh.py <point> <marker> [orchestration.run arguments...]

At the point, the process writes ``marker`` and waits; the test then kills its process group, as a
machine crash would. Points:

- ``ingestion:<source>``: right after ``<source>`` was loaded into the build file;
- ``swap``: during the publication, after the current publication was copied to the history and
  before the build file replaces it.

A crash in the middle of ``dbt build`` needs no point: the test kills the refresh once its ``dbt``
child process runs.
"""

from __future__ import annotations

import runpy
import sys
import time
from pathlib import Path


def _hold(point: str, marker: Path) -> None:
    marker.write_text(point, encoding="utf-8")
    time.sleep(300)


def main() -> None:
    point, marker = sys.argv[1], Path(sys.argv[2])
    if point.startswith("ingestion:"):
        from ingest import sources

        load, wanted = sources.load, point.split(":", 1)[1]

        def load_then_hold(con, source, *args, **kwargs):
            result = load(con, source, *args, **kwargs)
            if source == wanted:
                _hold(point, marker)
            return result

        sources.load = load_then_hold
    elif point == "swap":
        from ingest import warehouse

        keep = warehouse._keep

        def keep_then_hold(*args, **kwargs):
            result = keep(*args, **kwargs)
            _hold(point, marker)
            return result

        warehouse._keep = keep_then_hold
    else:
        raise SystemExit(f"unknown crash point {point!r}")
    sys.argv = ["orchestration.run", *sys.argv[3:]]
    runpy.run_module("orchestration.run", run_name="__main__")


if __name__ == "__main__":
    main()
