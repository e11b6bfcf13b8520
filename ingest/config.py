"""Project configuration: the territory, the warehouse and, for each source, where to get it.

One TOML file describes a deployment (``config/demo.toml`` for the generated demo territory,
``config/production.toml`` for the publishers' real files, ``config/shared-data.toml`` for the real
files of ``../shared/data``). The file in use is chosen by the ``OBSERVATOIRE_CONFIG`` environment
variable, else ``config/demo.toml``.

Where each source comes from is in its declaration (``ingest/sources/<source>.py``, ``locations``
per deployment); the TOML names its deployment (``deployment = "demo"``) and may override a
source's files (``[sources.<name>] url`` / ``urls``) or leave a source out
(``[sources.<name>] enabled = false``). A TOML without ``deployment`` loads the sources it lists.

Relative paths are resolved against the project root (the folder holding ``pyproject.toml``), so
commands behave the same from any working directory. ``{mirror}`` in a source location is replaced
by ``[paths].mirror``: the demo and the tests only change that one value.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ingest.errors import ConfigError

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CONFIG = PROJECT_ROOT / "config" / "demo.toml"
WAREHOUSE_FILENAME = "observatoire.duckdb"


@dataclass(frozen=True)
class SourceConfig:
    """Where one source comes from: one or several locations (URL, file:// URL or local path)."""

    name: str
    locations: tuple[str, ...]
    description: str = ""


@dataclass(frozen=True)
class Territory:
    """The observatory's territory: any mix of région, département and EPCI codes (``[territory]``).

    National files are always loaded whole; the territory only selects what the territory's views
    show (dbt vars ``territory_regions``, ``territory_departements``, ``territory_epcis``), so national
    totals stay available for comparison. Codes are strings: ``"01"``, ``"2A"``, ``"84"``, ``"200040715"``.
    """

    name: str
    departements: tuple[str, ...]
    fictional: bool = False
    regions: tuple[str, ...] = ()
    epcis: tuple[str, ...] = ()


@dataclass(frozen=True)
class Settings:
    config_path: Path
    territory: Territory
    warehouse_dir: Path
    snapshot_dir: Path
    mirror_dir: Path
    sources: dict[str, SourceConfig] = field(default_factory=dict)
    access_distances_km: tuple[float, ...] = (5.0, 10.0, 20.0)

    @property
    def published_path(self) -> Path:
        """The warehouse file readers open (read-only). Replaced atomically by each refresh."""
        return self.warehouse_dir / WAREHOUSE_FILENAME

    @property
    def build_path(self) -> Path:
        """The file a refresh writes into before it is published."""
        return self.warehouse_dir / "build" / WAREHOUSE_FILENAME


def _resolve(path: str, base: Path) -> Path:
    p = Path(path).expanduser()
    return p if p.is_absolute() else (base / p)


def _location(loc: str) -> str:
    """URLs stay as they are; a relative local path starts at the project root."""
    if "://" in loc:
        return loc
    return str(_resolve(loc, PROJECT_ROOT))


# The codes that exist (COG): a territory naming any other code would publish an empty territory.
DEPARTEMENTS = frozenset([f"{i:02d}" for i in range(1, 96) if i != 20] + ["2A", "2B"]
                         + ["971", "972", "973", "974", "975", "976", "977", "978", "984", "986", "987", "988", "989"])
REGIONS = frozenset(["01", "02", "03", "04", "06", "11", "24", "27", "28", "32", "44", "52", "53", "75", "76", "84",
                     "93", "94"])


def _codes(terr: dict, key: str, config_path: Path, pattern: str, width: int,
           known: frozenset[str] | None = None) -> tuple[str, ...]:
    """A list of territory codes as strings. An integer written without quotes (``1`` for ``"01"``)
    gets its leading zeros back; anything else that is not a code, or a code that does not exist (``known``,
    unless the territory is fictional), is a French error."""
    value = terr.get(key, [])
    if isinstance(value, (str, int)):
        value = [value]
    codes = []
    for v in value:
        code = str(v).strip().upper()
        if isinstance(v, int):
            code = code.zfill(width)
        if not re.fullmatch(pattern, code):
            raise ConfigError(f"{config_path} : [territory] {key} : « {v} » n'est pas un code valide. Écrivez les "
                              f"codes entre guillemets, par exemple {key} = [\"01\", \"2A\"].")
        if known is not None and not terr.get("fictional", False) and code not in known:
            raise ConfigError(f"{config_path} : [territory] {key} : le code « {code} » n'existe pas (code officiel "
                              "géographique) : la publication serait vide. Corrigez le code, ou déclarez un "
                              "territoire fictif avec fictional = true.")
        codes.append(code)
    return tuple(codes)


def _sources(raw: dict, config_path: Path, mirror_dir: Path) -> dict[str, SourceConfig]:
    """The sources of a deployment: the declared locations of ``deployment``, then the TOML's
    ``[sources.<name>]`` overrides."""
    from ingest.sources import DEPLOYMENTS, SOURCES  # the declarations import this module

    deployment = raw.get("deployment")
    if deployment is not None and deployment not in DEPLOYMENTS:
        raise ConfigError(f"{config_path} : deployment = « {deployment} » inconnu "
                         f"(valeurs possibles : {', '.join(DEPLOYMENTS)}).")
    chosen: dict[str, tuple[tuple[str, ...], str]] = {}
    if deployment is not None:
        for name, source in SOURCES.items():
            if source.locations.get(deployment):
                chosen[name] = (source.locations[deployment], source.description)
    for name, spec in raw.get("sources", {}).items():
        if name not in SOURCES:
            raise ConfigError(f"{config_path} : [sources.{name}] : source inconnue (les sources déclarées sont "
                             f"dans ingest/sources/ : {', '.join(sorted(SOURCES))}).")
        if spec.get("enabled", True) is False:
            chosen.pop(name, None)
            continue
        locs = spec.get("urls") or ([spec["url"]] if "url" in spec else None)
        if locs is None and name not in chosen:
            raise ConfigError(f"{config_path} : [sources.{name}] : indiquez url ou urls (aucun emplacement "
                             f"déclaré pour le déploiement {deployment or '(aucun)'}).")
        previous = chosen.get(name, ((), SOURCES[name].description))
        chosen[name] = (tuple(locs) if locs else previous[0], spec.get("description", previous[1]))
    return {name: SourceConfig(name=name, description=description,
                               locations=tuple(_location(str(loc).replace("{mirror}", str(mirror_dir)))
                                               for loc in locs))
            for name, (locs, description) in chosen.items()}


def load_settings(path: str | os.PathLike | None = None) -> Settings:
    """Read a configuration file (default: ``$OBSERVATOIRE_CONFIG`` or ``config/demo.toml``)."""
    config_path = Path(path or os.environ.get("OBSERVATOIRE_CONFIG") or DEFAULT_CONFIG).resolve()
    if not config_path.exists():
        raise ConfigError(f"Fichier de configuration introuvable : {config_path}. Vérifiez OBSERVATOIRE_CONFIG ou "
                          "--config (les fichiers fournis sont dans config/).")
    try:
        with config_path.open("rb") as fh:
            raw = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        where = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        at = f", ligne {where.group(1)}, colonne {where.group(2)}" if where else ""
        if not where and "end of document" in str(exc):
            at = f", fin du fichier (ligne {len(config_path.read_text(encoding='utf-8', errors='replace').splitlines())})"
        raise ConfigError(f"{config_path}{at} : erreur de syntaxe TOML ({str(exc).split(' (at ')[0]}). Corrigez cette "
                          "ligne (chaînes entre guillemets, une clé = valeur par ligne, tables entre crochets).") from exc

    paths = raw.get("paths", {})
    mirror_dir = _resolve(paths.get("mirror", "data/mirror/demo"), PROJECT_ROOT)
    terr = raw.get("territory", {})
    territory = Territory(
        name=terr.get("name", "Territoire"),
        departements=_codes(terr, "departements", config_path, r"\d{2,3}|2[AB]", 2, DEPARTEMENTS),
        fictional=bool(terr.get("fictional", False)),
        regions=_codes(terr, "regions", config_path, r"\d{2,3}", 2, REGIONS),
        epcis=_codes(terr, "epcis", config_path, r"\d{9}", 9),
    )
    sources = _sources(raw, config_path, mirror_dir)
    indicators = raw.get("indicators", {})
    return Settings(
        config_path=config_path,
        territory=territory,
        warehouse_dir=_resolve(paths.get("warehouse", "data/warehouse"), PROJECT_ROOT),
        snapshot_dir=_resolve(paths.get("snapshots", "data/snapshots"), PROJECT_ROOT),
        mirror_dir=mirror_dir,
        sources=sources,
        access_distances_km=tuple(float(x) for x in indicators.get("access_distances_km", (5, 10, 20))),
    )
