"""The analysts' data dictionary, generated from the dbt project (docs/dictionnaire.md).

    python -m orchestration.dictionary [--out docs/dictionnaire.md] [--check]

Every mart (``dbt_project/models/marts``: one SQL or Python model each), every column of its YAML, with
its meaning (the YAML description, as written), its unit and base (read from the column's name, by the
project's naming conventions: ``n_*`` counts, ``*_per_10k``, ``share_*``, ``*_km``, ``*_pct``...) and
the sources it comes from (the ``raw`` tables its models read, followed through ``ref()`` and
``source()``, with the label of each source's declaration), and the rules the warehouse checks on it
before every publication (the column's ``constraints``, dbt_project/macros/column_rules.sql: a value
required, the accepted values, a condition). ``--check`` fails when the file on disk is not what the
project generates (``make docs`` rewrites it).
"""

from __future__ import annotations

import argparse
import re
import sys
from functools import lru_cache
from pathlib import Path

import yaml

from ingest.config import PROJECT_ROOT

MODELS = PROJECT_ROOT / "dbt_project" / "models"
SEEDS = PROJECT_ROOT / "dbt_project" / "seeds"
OUT = PROJECT_ROOT / "docs" / "dictionnaire.md"

_REF = re.compile(r"""ref\(\s*['"](\w+)['"]\s*\)""")
_SOURCE = re.compile(r"""source\(\s*['"]raw['"]\s*,\s*['"](\w+)['"]\s*\)""")
_OPTIONAL_RAW = re.compile(r"""optional_raw_relation\(\s*['"](\w+)['"]\s*\)""")

# (name pattern, unit, base) in French; the first match applies.
UNITS: tuple[tuple[str, str, str], ...] = (
    (r".+_per_10k", "pour 10 000 habitants", "population municipale INSEE du territoire"),
    (r"share_.+", "part (0 à 1)", "voir la description (dénominateur)"),
    (r".+_share(_pct)?", "part", "voir la description (dénominateur)"),
    (r".+_pct", "%", "voir la description"),
    (r".+_rate", "taux (0 à 1)", "voir la description"),
    (r".+_km", "km (à vol d'oiseau)", "centre de la commune"),
    (r".+_eur(_.+)?|amount.*|.+_amount.*", "euros", "montants publiés"),
    (r"population.*", "habitants", "population municipale INSEE (populations légales)"),
    (r"n_.+", "nombre", "comptage"),
    (r"latitude|longitude|.+_latitude|.+_longitude", "degrés (WGS84)", ""),
    (r".+_m2", "m²", "déclaré dans l'enquête"),
    (r"(.+_)?year|wave_year|.+_year", "année", ""),
    (r"is_.+|has_.+|in_.+", "vrai / faux", ""),
    (r".+_code|code_.+", "code (texte)", ""),
    (r".+_geojson", "géométrie GeoJSON (texte, WGS84)", ""),
    (r".+_at|.+_date", "date", ""),
)


def unit_of(column: str) -> tuple[str, str]:
    for pattern, unit, base in UNITS:
        if re.fullmatch(pattern, column):
            return unit, base
    return "", ""


def rules_of(column: dict) -> str:
    """The column's declared constraints, in French (blank when none): what the warehouse checks before every
    publication (blocking, unless the column's constraints are warnings: ``constraint_severity: warn``)."""
    warn = ((column.get("config") or {}).get("meta") or {}).get("constraint_severity") == "warn"
    out = []
    for c in column.get("constraints") or []:
        expr = " ".join(str(c.get("expression") or "").split())
        listed = re.fullmatch(rf'(?is)"?{re.escape(column["name"])}"?\s+in\s*\((.*)\)', expr)
        if c.get("type") == "not_null":
            out.append("toujours renseignée")
        elif listed:
            values = [v.replace("''", "'") for v in re.findall(r"'((?:[^']|'')*)'", listed.group(1))]
            out.append("valeurs : " + ", ".join(f"`{v}`" for v in values))
        elif expr:
            out.append(f"vérifie `{expr}`")
    if out and warn:
        out = [rule.replace("toujours renseignée", "renseignée en principe") for rule in out]
        out[-1] += " (avertissement : une exception est signalée, sans bloquer la publication)"
    return _clean(" ; ".join(out))


def _models() -> dict[str, Path]:
    return {p.stem: p for p in sorted(MODELS.rglob("*")) if p.suffix in (".sql", ".py") and p.is_file()}


@lru_cache(maxsize=None)
def _reads(name: str) -> tuple[frozenset[str], frozenset[str]]:
    """(models or seeds referenced, raw sources read) by the model ``name``."""
    path = _models().get(name)
    if path is None:
        return frozenset(), frozenset()
    text = path.read_text(encoding="utf-8")
    return (frozenset(_REF.findall(text)),
            frozenset(_SOURCE.findall(text)) | frozenset(_OPTIONAL_RAW.findall(text)))


def sources_of(name: str, seen: set[str] | None = None) -> set[str]:
    """The raw sources a model reads, directly or through the models it references."""
    seen = set() if seen is None else seen
    if name in seen:
        return set()
    seen.add(name)
    refs, raw = _reads(name)
    out = set(raw) - {"_manifest"}
    for ref in refs:
        out |= sources_of(ref, seen)
    return out


def _docs() -> dict[str, dict]:
    docs = {}
    for path in sorted((MODELS / "marts").glob("*.yml")):
        for model in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("models", []):
            docs[model["name"]] = model
    return docs


def _clean(text: str | None) -> str:
    return " ".join((text or "").split()).replace("|", "\\|")


def dictionary() -> str:
    from ingest.sources import SOURCES

    marts = sorted(p.stem for p in (MODELS / "marts").iterdir() if p.suffix in (".sql", ".py"))
    docs = _docs()
    lines = ["# Dictionnaire des données de l'entrepôt", "",
             "<!-- Généré par `python -m orchestration.dictionary` (`make docs`) depuis les fichiers YAML du projet dbt",
             "     (dbt_project/models/marts/*.yml) : ne pas modifier à la main. -->", "",
             "Toutes les tables du schéma `marts` de l'entrepôt publié, colonne par colonne. Les descriptions sont "
             "celles de la documentation dbt, en français, qui sont aussi les commentaires des colonnes de l'entrepôt ; l'unité "
             "et la base sont déduites du nom de la colonne selon les conventions du projet ; les sources sont "
             "celles que lit la table, directement ou par les tables dont elle dépend ; les règles sont celles "
             "que l'entrepôt vérifie avant chaque publication (une valeur qui les enfreint bloque la publication, "
             "sauf mention d'un avertissement). Les mêmes tables sont "
             "exportées en Parquet (`exports/parquet/<table>.parquet`, voir [analystes.md](analystes.md)).", "",
             "## Tables", ""]
    for name in marts:
        first = _clean(docs.get(name, {}).get("description")).split(". ")[0]
        lines.append(f"- [`marts.{name}`](#{name.replace('_', '_')}) : {first or 'non documentée'}")
    for name in marts:
        doc = docs.get(name, {})
        lines += ["", f"## {name}", ""]
        lines.append(_clean(doc.get("description")) or "_Table non documentée dans le YAML dbt._")
        srcs = sorted(sources_of(name))
        labels = [f"{SOURCES[s].label} (`raw.{s}`)" if s in SOURCES else f"`raw.{s}`" for s in srcs]
        lines += ["", "**Sources** : " + ("; ".join(labels) if labels else "référentiels du projet (seeds dbt)")]
        columns = doc.get("columns") or []
        if not columns:
            lines += ["", "_Colonnes non documentées dans le YAML dbt._"]
            continue
        lines += ["", "| colonne | signification | unité | base | règles |", "| --- | --- | --- | --- | --- |"]
        for col in columns:
            unit, base = unit_of(col["name"])
            lines.append(f"| `{col['name']}` | {_clean(col.get('description')) or '—'} | {unit} | {base} | "
                         f"{rules_of(col)} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Écrit le dictionnaire des données (docs/dictionnaire.md).")
    parser.add_argument("--out", default=str(OUT))
    parser.add_argument("--check", action="store_true", help="échoue si le fichier n'est pas à jour")
    args = parser.parse_args(argv)
    text = dictionary()
    out = Path(args.out)
    if args.check:
        if not out.exists() or out.read_text(encoding="utf-8") != text:
            print(f"{out} n'est pas à jour : lancez `make docs` (python -m orchestration.dictionary).", file=sys.stderr)
            return 1
        return 0
    out.write_text(text, encoding="utf-8")
    print(f"Dictionnaire écrit : {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
