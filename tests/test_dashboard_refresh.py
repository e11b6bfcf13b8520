"""A running dashboard shows each new publication: a refresh swaps a new file into the published path
(``os.replace``) and the next page load reads it, without restarting the server.

DuckDB hands every ``duckdb.connect(path)`` the database instance already open on that path; a
dashboard that kept its old connection open therefore kept reading the swapped-out file forever.
"""

from __future__ import annotations

import os
import re
import threading
import time
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from browser import chromium, needs_browser, streamlit_server
from conftest import seeded_config  # tests/ is on sys.path (rootdir conftest)
from ingest.config import PROJECT_ROOT, load_settings


def _write(path: Path, value: int, rows: int = 200_000) -> None:
    """A small warehouse file whose every row says which publication it is."""
    con = duckdb.connect(str(path))
    con.execute(f"create table t as select {value} as v, range as i from range({rows})")
    con.close()


def test_query_follows_each_swapped_publication(tmp_path, monkeypatch):
    """dashboards.data.query, with threads querying while files are swapped in: every answer comes
    from a real publication, no thread ever goes back to an older one, and all end on the last one."""
    from dashboards import data

    warehouse = tmp_path / "warehouse"
    warehouse.mkdir()
    cfg = tmp_path / "config.toml"
    cfg.write_text(f'[territory]\nname = "Essai"\n[paths]\nwarehouse = "{warehouse}"\n', encoding="utf-8")
    monkeypatch.setenv("OBSERVATOIRE_CONFIG", str(cfg))
    published = load_settings(cfg).published_path
    _write(published, 0)
    assert data.query("select max(v) as v from t").v[0] == 0

    swaps = 15
    stop = threading.Event()
    seen: dict[int, list[int]] = {}
    errors: list[BaseException] = []

    def reader(k: int) -> None:
        values = seen.setdefault(k, [])
        try:
            while not stop.is_set():
                df = data.query("select min(v) as lo, max(v) as hi, count(*) as n from t, range(20) where i % ? = 0",
                                (k + 1,))
                assert df.lo[0] == df.hi[0], "one answer mixes two publications"
                values.append(int(df.hi[0]))
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    threads = [threading.Thread(target=reader, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    try:
        for n in range(1, swaps + 1):
            time.sleep(0.1)
            _write(tmp_path / "next.duckdb", n)
            os.replace(tmp_path / "next.duckdb", published)
        time.sleep(0.5)
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=60)
    assert not errors, errors
    for k, values in seen.items():
        assert values == sorted(values), f"thread {k} went back to an older publication"
        assert values[-1] == swaps, f"thread {k} still reads publication {values[-1]}, not {swaps}"
    assert data.query("select max(v) as v from t").v[0] == swaps


# --- the real dashboard in a real browser, across a real refresh -----------------------------------

def _expected_footer(published: Path) -> str:
    """The footer text for the publication in ``published``, as dashboards.common.footer writes it."""
    from dashboards.common import published_at
    con = duckdb.connect(str(published), read_only=True)
    try:
        built_at = con.execute("select built_at from marts.meta_publication").df().built_at[0]
    finally:
        con.close()
    return f"Données publiées le {published_at(pd.Timestamp(built_at))}"


def _footer(driver) -> str | None:
    from selenium.webdriver.common.by import By
    for element in driver.find_elements(By.CSS_SELECTOR, '[data-testid="stCaptionContainer"]'):
        match = re.search(r"Données publiées le [0-9/]+ à [0-9:]+", element.text)
        if match:
            return match.group(0)
    return None


def _load_footer(driver, url: str, timeout: float) -> str | None:
    driver.get(url)
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            text = _footer(driver)
        except Exception:  # the page re-rendered under us: read again
            text = None
        if text:
            return text
        time.sleep(0.3)
    return None


@needs_browser
def test_running_dashboard_shows_the_new_publication(tmp_path, demo_run, demo_mirror):
    """The dashboard follows the publications while it runs; a partial refresh (the occupancy counts' job)
    publishes a new date too (every job rebuilds the marts describing the publication)."""
    from orchestration.run import refresh
    from orchestration.schedules import OCCUPANCY_JOB

    settings0, result0 = demo_run
    assert result0.success
    cfg = seeded_config(tmp_path, demo_mirror[0], settings0.published_path)  # its own copy of the demo's publication
    published = load_settings(cfg).published_path
    first = _expected_footer(published)

    with streamlit_server(cfg) as server, chromium() as driver:
        url = server + "/"
        assert _load_footer(driver, url, 90) == first  # Synthèse is the home page

        time.sleep(1.1)  # the footer shows seconds: make sure the two publications differ there
        assert refresh(str(cfg), job_name=OCCUPANCY_JOB).success, "refresh failed"  # the server keeps running
        second = _expected_footer(published)
        assert second != first

        shown = None
        deadline = time.time() + 20
        while time.time() < deadline:
            shown = _load_footer(driver, url, max(1.0, deadline - time.time()))
            if shown == second:
                break
        assert shown == second, f"after the second refresh the page shows « {shown} », expected « {second} »"


# --- every access share says its base ---------------------------------------------------------------

PAGE_SCRIPT = """
import sys
sys.path.insert(0, {root!r})
from dashboards.views import {page}
{page}.render()
"""


def _page(page: str, level: str, code: str):
    from streamlit.testing.v1 import AppTest
    at = AppTest.from_string(PAGE_SCRIPT.format(root=str(PROJECT_ROOT), page=page), default_timeout=60)
    at.query_params["niveau"] = level
    at.query_params["code"] = code
    at.run()
    assert not at.exception, (page, level, code, [e.value for e in at.exception])
    return at


@pytest.fixture
def partly_located(demo_run, demo_mirror, tmp_path, monkeypatch):
    """A copy of the demo publication where no commune of one EPCI has a known centre (as the marts say
    it when the geographic file lacks them, in every mart the dashboard reads) and another EPCI's access share
    is computed on 39,7 % of its population. Returns (published file, EPCI without centre, EPCI partly located)."""
    from conftest import seeded_config
    settings, result = demo_run
    assert result.success
    cfg = seeded_config(tmp_path, demo_mirror[0], settings.published_path)
    published = load_settings(cfg).published_path
    con = duckdb.connect(str(published))
    try:
        (none, part), = con.execute("select min(epci_code), max(epci_code) from marts.dim_commune").fetchall()
        pop_none = con.execute("select sum(population) from marts.dim_commune where epci_code = ?", [none]).fetchone()[0]
        con.execute("update marts.dim_commune set latitude = null, longitude = null where epci_code = ?", [none])
        con.execute("delete from marts.fct_access_commune_kind where epci_code = ?", [none])
        con.execute("delete from marts.fct_access_territory where territory_level = 'epci' and territory_code = ?",
                    [none])
        con.execute("update marts.fct_access_territory set population_with_coordinates = population_with_coordinates - ? "
                    "where territory_level in ('departement', 'region', 'national')", [pop_none])
        con.execute("update marts.fct_access_territory set population_with_coordinates = round(0.397 * population) "
                    "where territory_level = 'epci' and territory_code = ?", [part])
        # the same in the marts the dashboard reads: access per territory (communes included) and the summary
        con.execute("""update marts.fct_access_tiers_lieu_territory set n_communes_with_coordinates = 0,
                           population_with_coordinates = 0, share_population_base = 0, n_communes_within = 0,
                           population_within = 0, share_within = null, n_communes_beyond = 0, population_beyond = 0,
                           access_status = 'sans_centre'
                       where (territory_level = 'epci' and territory_code = ?) or (territory_level = 'commune'
                              and territory_code in (select commune_code from marts.dim_commune where epci_code = ?))""",
                    [none, none])
        con.execute("""update marts.fct_access_tiers_lieu_territory t
                       set population_with_coordinates = a.population_with_coordinates,
                           share_population_base = a.population_with_coordinates / a.population
                       from marts.fct_access_territory a
                       where a.kind = 'tiers_lieu' and a.territory_level = t.territory_level
                         and a.territory_code = t.territory_code and a.distance_km = t.distance_km""")
        con.execute("""update marts.fct_summary_territory s
                       set share_within_tiers_lieu = a.share_within, share_population_base = a.share_population_base,
                           access_status = a.access_status
                       from marts.fct_access_tiers_lieu_territory a
                       where a.distance_km = s.access_distance_km and a.territory_level = s.territory_level
                         and a.territory_code = s.territory_code""")
        con.execute("checkpoint")
    finally:
        con.close()
    monkeypatch.setenv("OBSERVATOIRE_CONFIG", str(cfg))
    return published, none, part


def _access_row(published: Path, level: str, code: str):
    con = duckdb.connect(str(published), read_only=True)
    try:
        return con.execute("select share_within, population_with_coordinates, population "
                           "from marts.fct_access_territory where territory_level = ? and territory_code = ? "
                           "and kind = 'tiers_lieu' and distance_km = 10", [level, code]).fetchone()
    finally:
        con.close()


def test_access_share_says_its_base(partly_located):
    from dashboards.formatting import fr_number
    from dashboards.territory import NO_CENTRE
    published, none, part = partly_located
    label = "À moins de 10 km d'un tiers-lieu"

    share, located, population = _access_row(published, "epci", part)
    base = f"calculé sur {fr_number(100 * located / population, 1, ' %')} de la population"
    assert base == "calculé sur 39,7 % de la population"
    at = _page("synthese", "epci", part)
    assert {m.label: m.value for m in at.metric}[label] == fr_number(100 * share, 1, " %")
    assert base in [c.value for c in at.caption]
    at = _page("fiche", "epci", part)
    assert base in [c.value for c in at.caption]
    assert {m.label: m.value for m in at.metric}["Habitants à moins de 10 km d'un tiers-lieu"] == \
        fr_number(100 * share, 1, " %")

    at = _page("synthese", "epci", none)  # no commune with a centre: not computed, never 0 %
    assert {m.label: m.value for m in at.metric}[label] == "non calculé"
    assert NO_CENTRE in [c.value for c in at.caption]
    table = at.dataframe[0].value
    cell = table.loc[table.Indicateur == label].iloc[0, 1]
    assert cell == f"non calculé ({NO_CENTRE})"
    at = _page("fiche", "epci", none)
    assert {m.label: m.value for m in at.metric}["Habitants à moins de 10 km d'un tiers-lieu"] == "non calculé"
    at = _page("carte", "epci", none)
    assert any(NO_CENTRE in i.value for i in at.info)

    con = duckdb.connect(str(published), read_only=True)
    try:
        commune, dep = con.execute("select min(commune_code), any_value(departement_code) from marts.dim_commune "
                                   "where epci_code = ?", [none]).fetchone()
    finally:
        con.close()
    at = _page("synthese", "commune", commune)
    assert {m.label: m.value for m in at.metric}[label] == "non calculé"

    # the département: its share is computed on the communes with a centre, and says so
    share, located, population = _access_row(published, "departement", dep)
    assert 0 < located < population
    base = f"calculé sur {fr_number(100 * located / population, 1, ' %')} de la population"
    at = _page("synthese", "departement", dep)
    assert {m.label: m.value for m in at.metric}[label] == fr_number(100 * share, 1, " %")
    assert base in [c.value for c in at.caption]
    at = _page("carte", "departement", dep)
    assert base in [c.value for c in at.caption]
