"""Publication history and rollback of the published warehouse.

    python -m orchestration.publication list     [--config X]
    python -m orchestration.publication rollback [--steps N] [--config X]

``list`` shows the published file and the kept earlier publications (``<warehouse>/history``);
``rollback`` puts back the publication N steps before the current one, with the same atomic swap as
a refresh (readers never see a partial file). The replaced publication is kept as ``retired-*``; the
exports (orchestration/exports.py) are rewritten from the restored file.
"""

from __future__ import annotations

import argparse
import sys

import duckdb

from ingest.config import load_settings
from ingest.warehouse import history_dir, publications, rollback
from orchestration import exports


def _describe(path) -> str:
    try:
        con = duckdb.connect(str(path), read_only=True)
        try:
            built = con.execute("select max(built_at) from marts.meta_publication").fetchone()[0]
        finally:
            con.close()
        return f"construit le {built:%d/%m/%Y %H:%M:%S}" if built else "date de construction inconnue"
    except duckdb.Error as exc:
        return f"illisible ({exc})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["list", "rollback"])
    parser.add_argument("--steps", type=int, default=1, help="how many publications to go back (default 1)")
    parser.add_argument("--config", default=None)
    args = parser.parse_args(argv)
    settings = load_settings(args.config)
    if args.command == "list":
        print(f"Publication en ligne : {settings.published_path} ({_describe(settings.published_path)})")
        kept = publications(settings)
        print(f"Publications antérieures conservées ({len(kept)}) dans {history_dir(settings)} :")
        for i, p in enumerate(reversed(kept), start=1):
            print(f"  -{i} {p.name} ({_describe(p)})")
        return 0
    try:
        rollback(settings, args.steps)
    except RuntimeError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"Retour arrière effectué : {settings.published_path} ({_describe(settings.published_path)})")
    folder = exports.staging_dir(settings, "rollback")
    exports.write_exports(settings.published_path, folder, exports.last_published_run(settings.published_path))
    print(f"Exports réécrits pour la publication remise en ligne : {exports.install_exports(settings, folder)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
