"""The dashboard on the published demo warehouse: Streamlit AppTest (figures equal the marts) and
the real server answering HTTP 200."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import pytest
import requests
from streamlit.testing.v1 import AppTest

from dashboards.formatting import fr_number
from ingest.config import PROJECT_ROOT

APP = str(PROJECT_ROOT / "dashboards" / "app.py")


@pytest.fixture
def dashboard_env(demo_run, monkeypatch):
    settings, result = demo_run
    assert result.success
    monkeypatch.setenv("OBSERVATOIRE_CONFIG", str(settings.config_path))
    return settings


def test_synthese_shows_the_marts_figures(dashboard_env, demo_warehouse):
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception, at.exception
    metrics = {m.label: m.value for m in at.metric}
    n_tl, n_fs, pop = demo_warehouse.execute(
        "select sum(n_tiers_lieux), sum(n_france_services), sum(population) from marts.fct_coverage_epci").fetchone()
    no_fs, cantons = demo_warehouse.execute(
        "select count(*) filter (where not has_france_services), count(*) from marts.fct_coverage_canton").fetchone()
    assert metrics["Tiers-lieux"] == fr_number(n_tl)
    assert metrics["France Services"] == fr_number(n_fs)
    assert metrics["Population"] == fr_number(pop)
    assert metrics["Cantons sans France Services"] == f"{fr_number(no_fs)} sur {fr_number(cantons)}"
    assert metrics["Tiers-lieux pour 10 000 habitants"] == fr_number(n_tl * 10000 / pop, 2)
    assert any("données fictives" in w.value for w in at.warning)


def test_missing_warehouse_gives_a_friendly_message(tmp_path, monkeypatch):
    cfg = tmp_path / "empty.toml"
    cfg.write_text(f'[territory]\nname = "Vide"\n[paths]\nwarehouse = "{tmp_path / "nowhere"}"\n', encoding="utf-8")
    monkeypatch.setenv("OBSERVATOIRE_CONFIG", str(cfg))
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert not at.exception
    assert any("en cours de préparation" in i.value for i in at.info)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_server_answers_http_200(dashboard_env):
    port = _free_port()
    env = {**os.environ, "OBSERVATOIRE_CONFIG": str(dashboard_env.config_path)}
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", APP, "--server.port", str(port),
                             "--server.headless", "true", "--browser.gatherUsageStats", "false"],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                if requests.get(f"http://127.0.0.1:{port}/_stcore/health", timeout=2).status_code == 200:
                    break
            except requests.ConnectionError:
                time.sleep(0.5)
        assert requests.get(f"http://127.0.0.1:{port}/", timeout=10).status_code == 200
    finally:
        proc.terminate()
        proc.wait(timeout=20)
