"""The dbt documentation of the published warehouse, built from a copy of it (``make docs``).

    python -m orchestration.dbt_docs [--config X]

The published file is never opened by dbt: the dashboard and the analysts hold it read-only, and dbt
opens its database read-write (which a read-only holder refuses: "Conflicting lock is held"). The file
is copied (a plain file copy, which a read-only holder does not prevent) to
``dbt_project/target/docs/observatoire.duckdb``, dbt generates the docs against the copy, and the copy
is deleted. Output: ``dbt_project/target/index.html`` with its ``manifest.json`` and ``catalog.json``
(``make docs-serve`` serves them on http://127.0.0.1:8080) and ``static_index.html``, a single file that
opens from disk. The analysts' data dictionary (docs/dictionnaire.md) is rewritten too.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys

from ingest.config import load_settings
from ingest.sources import write_dbt_sources
from orchestration import dictionary
from orchestration.definitions import DBT_DIR, dbt_executable, dbt_vars
from orchestration.report import DBT_TARGET


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Documentation dbt de l'entrepôt publié (depuis une copie).")
    parser.add_argument("--config", default=None)
    parser.add_argument("--no-dictionary", action="store_true", help="ne pas réécrire docs/dictionnaire.md")
    args = parser.parse_args(argv)
    settings = load_settings(args.config)
    published = settings.published_path
    if not published.exists():
        print(f"Aucun entrepôt publié : {published}. Lancez d'abord `make warehouse`.", file=sys.stderr)
        return 1
    write_dbt_sources()
    copy_dir = DBT_TARGET / "docs"
    shutil.rmtree(copy_dir, ignore_errors=True)
    copy_dir.mkdir(parents=True)
    copy = copy_dir / published.name        # same file name, so the views' catalog name resolves
    shutil.copyfile(published, copy)
    try:
        env = {**os.environ, "OBSERVATOIRE_BUILD_DB": str(copy)}
        proc = subprocess.run([dbt_executable(), "docs", "generate", "--static", "--profiles-dir", ".",
                               "--vars", json.dumps(dbt_vars(settings))], cwd=DBT_DIR, env=env)
    finally:
        shutil.rmtree(copy_dir, ignore_errors=True)
    if proc.returncode != 0:
        print("La génération de la documentation dbt a échoué (voir ci-dessus).", file=sys.stderr)
        return proc.returncode
    if not args.no_dictionary:
        dictionary.main([])
    print(f"Documentation dbt : {DBT_TARGET / 'index.html'} (make docs-serve), "
          f"{DBT_TARGET / 'static_index.html'} (s'ouvre depuis le disque)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
