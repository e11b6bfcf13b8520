"""Where each publication lives in a generated mirror (the demo's and the national benchmark's).

One mapping, :data:`MIRROR_PATHS`: source name -> the relative paths of its files under the mirror folder,
in the order the source lists them. It is read from the source declarations (``ingest/sources/<source>.py``,
the ``demo`` deployment's locations ``{mirror}/...``), which the loader follows: the generators write
where the configurations read, and everything else that needs a mirror path (``bench/``, ``tests/``)
imports it from here.
"""

from __future__ import annotations

from ingest.sources import SOURCES

MIRROR_PREFIX = "{mirror}/"


def _mirror_paths() -> dict[str, tuple[str, ...]]:
    paths = {}
    for name, source in SOURCES.items():
        locations = source.locations.get("demo", ())
        outside = [loc for loc in locations if not loc.startswith(MIRROR_PREFIX)]
        if outside:
            raise ValueError(f"source {name}: demo locations outside the mirror {outside}")
        if locations:
            paths[name] = tuple(loc[len(MIRROR_PREFIX):] for loc in locations)
    return paths


#: source name -> relative paths of its files in a mirror
MIRROR_PATHS: dict[str, tuple[str, ...]] = _mirror_paths()

# The same paths by name, for the code that reads one file.
(COG,), (POP,), (GEO,), (INV,), (FS,), (FLOWS,), (GRANTS,) = (
    MIRROR_PATHS[s] for s in ("cog_communes", "populations", "communes_geo", "tierslieux_2019", "france_services",
                              "mobpro_flows", "subventions"))
(ETALAB_COMMUNES,), (ETALAB_EPCI,), (ETALAB_DEPARTEMENTS,), (ETALAB_REGIONS,) = (
    MIRROR_PATHS[s] for s in ("communes_etalab", "epci_etalab", "departements_etalab", "regions_etalab"))
(DENSITE,), (RURALITE,), (EPCI_CENTROIDS,), (CNFS,) = (
    MIRROR_PATHS[s] for s in ("grille_densite", "typologie_ruralite", "epci_centroids", "conseillers_numeriques"))
FABT, MANUPROX, PVD = MIRROR_PATHS["programme_laureates"]
#: survey wave -> its file
SURVEYS: dict[str, str] = {path[-8:-4]: path for path in MIRROR_PATHS["surveys"]}
(OCCUPANCY,) = MIRROR_PATHS["occupancy_counts"]

#: The referential files, in the order they are written.
REFERENTIAL_FILES: tuple[str, ...] = (ETALAB_COMMUNES, ETALAB_EPCI, ETALAB_DEPARTEMENTS, ETALAB_REGIONS, DENSITE,
                                      RURALITE, EPCI_CENTROIDS, FABT, MANUPROX, PVD, CNFS)

#: The truth the generator writes beside the files (not a publication: no configuration reads it).
TRUTH = "truth.json"
#: The MOBPRO-sized flows file of the national benchmark, written apart (no configuration reads it).
STRESS_FLOWS = "stress/" + FLOWS.split("/")[-1]
