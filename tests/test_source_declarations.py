"""Each source is declared once (ingest/sources/<source>.py) and that declaration drives the loader, the
deployments' locations, the dbt sources, the schedules and the labels users read."""

from __future__ import annotations

import re

import pytest
import yaml

from ingest.config import PROJECT_ROOT, load_settings
from ingest.sources import CADENCES, CONTRACTS, DEPLOYMENTS, OPTIONAL_SOURCES, SOURCES, dbt_sources_yaml
from orchestration.schedules import CADENCES as JOBS

DBT_DIR = PROJECT_ROOT / "dbt_project"


def test_every_declaration_is_complete():
    assert len(SOURCES) >= 20
    for name, s in SOURCES.items():
        assert (PROJECT_ROOT / "ingest" / "sources" / f"{name}.py").exists()
        assert s.label and s.description and s.publisher and s.licence, name
        assert s.cadence in CADENCES, name
        assert set(s.locations) <= set(DEPLOYMENTS) and s.locations, name
        assert s.contract is not None or s.loader is not None, name
        if s.contract is not None:
            assert CONTRACTS[name].source == name
            assert len({c.name for c in s.contract.columns}) == len(s.contract.columns), name
            assert set(s.contract.key) <= {c.name for c in s.contract.columns}, name
    assert set(OPTIONAL_SOURCES) == {n for n, s in SOURCES.items() if s.optional}


# Declared and loaded (their files are checked by tests/test_real_sources.py) but read by no model yet.
NOT_MODELLED = {
    "mobpro_foreign_codes": "names of workplaces abroad: the flows keep the codes (AL000...), no mart names them yet",
    "communes_idf": "commune list of the cartograflow extract: the flows' communes come from the COG",
}


def test_every_source_is_read_by_the_dbt_project():
    """A declared source that no dbt model reads would be loaded for nothing (or is listed above)."""
    sql = "\n".join(p.read_text(encoding="utf-8") for folder in ("models", "macros")
                    for p in (DBT_DIR / folder).rglob("*.sql"))
    for name in set(SOURCES) - set(NOT_MODELLED):
        assert re.search(rf"source\('raw', '{name}'\)|raw_or_empty\('{name}'\)|'{name}'", sql), name
    for name in NOT_MODELLED:
        assert name in SOURCES and not re.search(rf"'{name}'", sql), f"{name} is read now: drop it from NOT_MODELLED"


def test_dbt_sources_are_the_declarations():
    doc = yaml.safe_load(dbt_sources_yaml())
    (raw,) = doc["sources"]
    tables = {t["name"]: t for t in raw["tables"]}
    assert set(SOURCES) | {"_manifest", "surveys_report"} == set(tables)
    fs = tables["france_services"]
    assert fs["meta"]["label"] == SOURCES["france_services"].label
    assert fs["meta"]["cadence"] == "monthly" and fs["meta"]["optional"] is False
    assert [c["name"] for c in fs["columns"]] == [c.name for c in CONTRACTS["france_services"].columns]
    # What a refresh wrote is the same text (make lint and every refresh write it; the file is not versioned).
    written = DBT_DIR / "models" / "staging" / "_sources.yml"
    assert written.read_text(encoding="utf-8") == dbt_sources_yaml()


def test_schedules_follow_the_declared_cadence():
    by_job = {job: set(sources) for job, (_, sources, _) in JOBS.items()}
    for name, s in SOURCES.items():
        if s.cadence == "inbox":
            assert not any(name in v for v in by_job.values())
        else:
            assert name in by_job[f"refresh_{s.cadence}"]


@pytest.mark.parametrize("deployment", ["demo", "production", "shared-data"])
def test_each_deployment_reads_the_declared_locations(deployment):
    settings = load_settings(PROJECT_ROOT / "config" / f"{deployment}.toml")
    expected = {n for n, s in SOURCES.items() if s.locations.get(deployment)}
    assert set(settings.sources) == expected
    for name, src in settings.sources.items():
        assert len(src.locations) == len(SOURCES[name].locations[deployment])
        assert not any("{mirror}" in loc for loc in src.locations)


def test_configuration_overrides_and_errors(tmp_path):
    cfg = tmp_path / "c.toml"
    cfg.write_text('deployment = "demo"\n[paths]\nmirror = "/m"\n[sources.subventions]\nurl = "/x/s.csv"\n'
                   '[sources.surveys]\nenabled = false\n', encoding="utf-8")
    s = load_settings(cfg)
    assert s.sources["subventions"].locations == ("/x/s.csv",) and "surveys" not in s.sources
    assert s.sources["france_services"].locations == ("/m/anct/liste-fs-20240801.csv",)
    cfg.write_text('deployment = "essai"\n', encoding="utf-8")
    with pytest.raises(ValueError, match="deployment = « essai » inconnu"):
        load_settings(cfg)
    cfg.write_text('[sources.lieux_inconnus]\nurl = "/x.csv"\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"\[sources.lieux_inconnus\] : source inconnue"):
        load_settings(cfg)
    cfg.write_text('[sources.france_services]\ndescription = "sans url"\n', encoding="utf-8")
    with pytest.raises(ValueError, match="indiquez url ou urls"):
        load_settings(cfg)
