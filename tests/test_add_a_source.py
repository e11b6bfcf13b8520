"""Adding a source end to end, as docs/contributing.md says: in a copy of the repository, a regional
network's list of tiers-lieux is added by writing four files outside the tests (its declaration with its
demo writer, its staging model and the model's YAML, one branch of int_places). The demo is generated and
published by the documented commands, and the new source reaches the raw layer, the marts and the
labels users read; nothing else in the repository had to change.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from ingest.config import PROJECT_ROOT

DECLARATION = '''"""The source ``reseau_regional``: the list of places a regional network of tiers-lieux publishes."""

import csv
from pathlib import Path

from ingest.contracts import DECIMAL, INSEE_COMMUNE, INTEGER, Contract, _c
from ingest.sources.base import Source

FILE = "reseaux/lieux-reseau-regional.csv"
COLUMNS = ("identifiant", "nom", "adresse", "code_postal", "code_insee", "latitude", "longitude", "type")


def write_demo(out_dir: Path, drawn) -> dict[str, int]:
    """The network's list for a synthetic territory: every third place of the inventory, as the network
    knows it (its own identifiers, the type spelled its way)."""
    facts = drawn.facts
    rows = [(str(1000 + i), p.name, "", "", facts.codes[p.host], f"{p.lat:.6f}", f"{p.lon:.6f}",
             "Espace de coworking" if p.typo.lower().startswith("cowork") else "Tiers-lieu")
            for i, p in enumerate(facts.places[::3])]
    path = Path(out_dir) / FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter=";")
        writer.writerow(COLUMNS)
        writer.writerows(rows)
    return {FILE: len(rows)}


SOURCE = Source(
    name="reseau_regional",
    label="Réseau régional des tiers-lieux, liste des lieux",
    description="Liste des lieux suivis par le réseau régional des tiers-lieux",
    publisher="Réseau régional des tiers-lieux",
    licence="Licence Ouverte 2.0",
    cadence="quarterly",
    locations={"demo": ("{mirror}/" + FILE,)},
    demo=write_demo,
    contract=Contract(
        columns=(
            _c("identifiant", not_empty=True, pattern=INTEGER, label="identifiant du lieu"),
            _c("nom", not_empty=True, label="nom du lieu"),
            _c("adresse", required=False),
            _c("code_postal", required=False, pattern=r"\\d{5}", label="code postal"),
            _c("code_insee", not_empty=True, pattern=INSEE_COMMUNE, label="code commune INSEE"),
            _c("latitude", pattern=DECIMAL, label="latitude"),
            _c("longitude", pattern=DECIMAL, label="longitude"),
            _c("type", required=False),
        ),
        key=("identifiant",),
        coordinates=("latitude", "longitude"),
    ),
)
'''

STAGING = """-- The places of the regional network's list, typed.
select
    'RR-' || trim(identifiant)              as record_id,
    trim(nom)                               as place_name,
    nullif(trim(adresse), '')               as address,
    nullif(trim(code_postal), '')           as postcode,
    {{ commune_code('code_insee') }}        as published_commune_code,
    case when type ilike '%coworking%' then 'coworking' else 'non_renseigne' end as place_type,
    {{ to_double('latitude') }}             as latitude,
    {{ to_double('longitude') }}            as longitude,
    _file, _row
from {{ source('raw', 'reseau_regional') }}
"""

STAGING_YAML = """version: 2

models:
  - name: stg_reseau_regional
    description: The places of the regional network's list (raw.reseau_regional), typed.
    data_tests:
      - column_rules
    columns:
      - name: record_id
        description: Identifier of the place in the network's list, prefixed with RR-.
        constraints: [{type: not_null}]
        data_tests: [unique]
      - name: published_commune_code
        description: INSEE code of the place's commune, as the network publishes it (padded).
        constraints: [{type: not_null}]
"""

INT_PLACES_BRANCH = """union all
select
    record_id, 'tiers_lieu', 'reseau_regional',
    place_name, place_type, null,
    published_commune_code, latitude, longitude, _file, _row,
    postcode, address, null, 'lieu', 5, null
from {{ ref('stg_reseau_regional') }}
"""


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True).stdout


@pytest.mark.slow   # a copy of the repository, the demo generated and published there (dbt parse and build)
def test_a_new_source_end_to_end_touches_four_files(tmp_path):
    repo = tmp_path / "repo"
    for rel in _git(PROJECT_ROOT, "ls-files").splitlines():   # the repository as versioned, nothing else
        src = PROJECT_ROOT / rel
        if src.is_file():
            (repo / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, repo / rel)
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "base")

    (repo / "ingest/sources/reseau_regional.py").write_text(DECLARATION, encoding="utf-8")
    (repo / "dbt_project/models/staging/stg_reseau_regional.sql").write_text(STAGING, encoding="utf-8")
    (repo / "dbt_project/models/staging/stg_reseau_regional.yml").write_text(STAGING_YAML, encoding="utf-8")
    int_places = repo / "dbt_project/models/intermediate/int_places.sql"
    int_places.write_text(int_places.read_text(encoding="utf-8").rstrip("\n") + "\n" + INT_PLACES_BRANCH,
                          encoding="utf-8")

    # The documented commands (make warehouse without its install step): the demo mirror, then the refresh.
    env = {**os.environ, "PYTHONPATH": str(repo)}
    env.pop("OBSERVATOIRE_CONFIG", None)
    for command in (["-m", "ingest.demo.generator", "--out", "data/mirror/demo"], ["-m", "orchestration.run"]):
        done = subprocess.run([sys.executable, *command], cwd=repo, env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]

    changed = {line[3:] for line in _git(repo, "status", "--porcelain", "--untracked-files=all").splitlines()}
    outside_tests = {p for p in changed if not p.startswith(("tests/", "data/"))}
    assert outside_tests == {"ingest/sources/reseau_regional.py", "dbt_project/models/staging/stg_reseau_regional.sql",
                             "dbt_project/models/staging/stg_reseau_regional.yml",
                             "dbt_project/models/intermediate/int_places.sql"}, outside_tests

    written = (repo / "data/mirror/demo/reseaux/lieux-reseau-regional.csv").read_text(encoding="utf-8").splitlines()
    con = duckdb.connect(str(repo / "data/warehouse/observatoire.duckdb"), read_only=True)
    try:
        manifest = con.execute("select rows_read, rows_loaded, rows_rejected from marts.meta_sources "
                               "where source_name = 'reseau_regional'").fetchall()
        assert manifest == [(len(written) - 1, len(written) - 1, 0)]
        label = con.execute("select source_label, publisher, cadence from marts.meta_sources "
                            "where source_name = 'reseau_regional'").fetchone()
        assert label == ("Réseau régional des tiers-lieux, liste des lieux", "Réseau régional des tiers-lieux",
                         "quarterly")
        # Every record of the list is a place of the referential, most of them recognised as inventory places.
        in_places = con.execute("select count(*) from marts.dim_place_source where source_name = 'reseau_regional'"
                                ).fetchone()[0]
        matched = con.execute("select count(*) from marts.dim_place where list_contains(source_names, "
                              "'reseau_regional') and list_contains(source_names, 'tierslieux_2019')").fetchone()[0]
    finally:
        con.close()
    assert in_places == len(written) - 1
    assert matched >= (len(written) - 1) // 2
