"""Check files against their source without touching the warehouse, and say what a refresh would do with them.

    observatoire verifier SOURCE FICHIER [FICHIER ...] [--rapport CHEMIN] [--config config/x.toml]
    make verifier SOURCE=france_services FICHIER=liste-fs.csv

The files are read exactly as a refresh reads them (snapshot in a temporary folder, the source's declaration,
the same reader, contract, corrections and damage checks), into an in-memory DuckDB: nothing of the
deployment's warehouse or snapshot archive is read or written. It prints, in French, the vintage recognised,
the rows read / loaded / rejected of each file, the warnings, the corrections and the path of the per-field
report (CSV). The exit code is 1 when a refresh would refuse a file (damaged file, missing required column,
more than ``[quality] max_reject_share`` of its rows rejected), 2 for a usage error, 0 otherwise.

The check against the previous snapshot of the same location (a file that lost rows) needs the deployment's
archive: a refresh makes it, this command does not.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import duckdb

from ingest.errors import ConfigError, IngestError


def _quality(config: str | None) -> tuple[float, int]:
    from orchestration.checks import SLACK_ROWS, quality_settings

    try:
        from ingest.config import load_settings

        share = quality_settings(load_settings(config))["max_reject_share"]
    except (ConfigError, OSError):
        share = 0.05
    return share, SLACK_ROWS


def verify(source: str, files: list[str], report: Path | None = None, config: str | None = None,
           out=sys.stdout) -> int:
    """Check ``files`` (paths or URLs) against ``source``; print the outcome; return the exit code."""
    from ingest import sources
    from ingest.fetch import fetch
    from ingest.load import write_field_report

    declared = sources.SOURCES.get(source)
    if declared is None:
        print(f"Source « {source} » inconnue. Sources déclarées (ingest/sources/) : {', '.join(sorted(sources.SOURCES))}.",
              file=out)
        return 2
    print(f"Vérification pour la source « {source} » ({declared.label}), sans toucher à l'entrepôt :", file=out)
    settings = None
    if declared.contract is None:   # a source with its own loader (surveys) may read the deployment's settings
        from ingest.config import load_settings

        settings = load_settings(config)
    with tempfile.TemporaryDirectory(prefix="verifier-") as tmp:
        con = duckdb.connect()
        try:
            snapshots = [fetch(source, f if "://" in f else str(Path(f).resolve()), Path(tmp) / "snapshots",
                               retries=1, backoff=0) for f in files]
            result = sources.load(con, source, snapshots, settings)
        except IngestError as exc:
            print(f"  FICHIER REFUSÉ : {exc}", file=out)
            print("  Un rafraîchissement refuserait ce fichier en entier : la copie précédente de ce fichier resterait "
                  "en service (marquée ancienne), ou, sans copie précédente, la source ne serait pas chargée.", file=out)
            return 1
        share, slack = _quality(config)
        refused = False
        for f in result.files:
            fmt = f.format + (f" ({f.encoding}, séparateur « {f.separator} »)" if f.separator else "")
            print(f"  {Path(f.snapshot.location).name} : format {fmt}"
                  + (f", millésime reconnu : {f.vintage}" if f.vintage else ""), file=out)
            print(f"    lignes lues {f.rows_read} = chargées {f.rows_loaded} + rejetées {f.rows_rejected}", file=out)
            for w in f.warnings:
                print(f"    avertissement : {w}", file=out)
            corrected = sum(1 for c in f.corrections if c[3] is not None)
            if f.corrections:
                print(f"    corrections : {corrected} valeur(s) corrigée(s), {len(f.corrections) - corrected} valeur(s) "
                      "inutilisable(s) ou non reconnue(s) gardée(s) telle(s) que publiée(s)", file=out)
            if f.rows_read and f.rows_rejected > max(share * f.rows_read, slack):
                refused = True
                print(f"    REFUS : plus de {share * 100:g} % des lignes rejetées (et plus de {slack}) : un "
                      "rafraîchissement refuserait ce fichier en entier (contrôle bloquant).", file=out)
        for reason, in con.execute(f'select reason from raw."{source}_rejects" order by _file, _row limit 5'
                                   ).fetchall() if result.rows_rejected else []:
            print(f"    rejet : {reason}", file=out)
        if result.rows_rejected > 5:
            print(f"    ... et {result.rows_rejected - 5} autre(s) rejet(s) (voir le rapport par champ)", file=out)
        if declared.contract is not None:
            path = report or Path.cwd() / f"rapport_par_champ_{source}.csv"
            n = write_field_report(con, source, path)
            print(f"  Rapport par champ (à renvoyer à l'éditeur) : {path} ({n} ligne(s))", file=out)
        print(f"  Total : lignes lues {result.rows_read} = chargées {result.rows_loaded} + rejetées "
              f"{result.rows_rejected}", file=out)
        print("  Un rafraîchissement " + ("REFUSERAIT ce fichier." if refused else "chargerait ce(s) fichier(s)."),
              file=out)
        con.close()
        return 1 if refused else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="observatoire", description="Outils de l'observatoire")
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("verifier", help="vérifier un fichier contre sa source, sans toucher à l'entrepôt",
                                description="Vérifie des fichiers contre leur source, sans toucher à l'entrepôt, et dit "
                                            "ce qu'un rafraîchissement en ferait.")
    check.add_argument("source", help="nom de la source (ingest/sources/<source>.py), par ex. france_services")
    check.add_argument("fichiers", nargs="+", help="fichier(s) à vérifier (chemin ou URL), dans l'ordre de la source")
    check.add_argument("--rapport", type=Path, default=None,
                       help="chemin du rapport par champ (CSV ; par défaut ./rapport_par_champ_<source>.csv)")
    check.add_argument("--config", default=None, help="configuration (pour les seuils [quality] ; facultatif)")
    args = parser.parse_args(argv)
    try:
        return verify(args.source, args.fichiers, args.rapport, args.config)
    except ConfigError as exc:
        print(f"Configuration inutilisable : {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
