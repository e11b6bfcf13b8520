"""Real-browser test: headless Chromium opens every page of the running dashboard (real Streamlit
server on 127.0.0.1), waits for it to render, finds no error element, and saves a screenshot under
data/screenshots/ (git-ignored data folder) so people can look at the pages."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from ingest.config import PROJECT_ROOT

APP = str(PROJECT_ROOT / "dashboards" / "app.py")
CHROMIUM = os.environ.get("CHROMIUM_BIN") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
PAGES = ["synthese", "carte", "fiche", "frequentation", "financements", "mobilites", "annuaire", "methodologie"]
SCREENSHOTS = PROJECT_ROOT / "data" / "screenshots"
ERROR_SELECTORS = '[data-testid="stException"], [data-testid="stAlertContentError"], [role="dialog"]'

pytestmark = pytest.mark.skipif(not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()),
                                reason="chromium et chromedriver absents (apt-get install chromium chromium-driver)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(demo_run):
    settings, result = demo_run
    assert result.success
    port = _free_port()
    env = {**os.environ, "OBSERVATOIRE_CONFIG": str(settings.config_path)}
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", APP, "--server.port", str(port),
                             "--server.headless", "true", "--browser.gatherUsageStats", "false"],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                if requests.get(f"{url}/_stcore/health", timeout=2).status_code == 200:
                    break
            except requests.ConnectionError:
                time.sleep(0.5)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)


@pytest.fixture(scope="module")
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1400,1800"]:
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    yield driver
    driver.quit()


def _rendered(driver) -> bool:
    from selenium.webdriver.common.by import By
    title = driver.find_elements(By.CSS_SELECTOR, "h1")
    running = driver.find_elements(By.CSS_SELECTOR, '[data-testid="stStatusWidget"]')
    return bool(title) and not running


def test_every_page_renders_in_chromium(server, browser):
    from selenium.webdriver.common.by import By
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for page in PAGES:
        browser.get(f"{server}/" + ("" if page == "synthese" else page))  # Synthèse is the home page
        deadline = time.time() + 90  # CI runners and busy machines are slow
        while time.time() < deadline and not _rendered(browser):
            time.sleep(0.5)
        time.sleep(1.5)  # let charts and the map draw
        if not _rendered(browser):
            browser.save_screenshot(str(SCREENSHOTS / f"{page}-FAILED.png"))
        assert _rendered(browser), f"page {page} not rendered (see {SCREENSHOTS / page}-FAILED.png)"
        errors = browser.find_elements(By.CSS_SELECTOR, ERROR_SELECTORS)
        assert not errors, f"page {page}: {[e.text for e in errors]}"
        assert "Traceback" not in browser.page_source
        assert browser.save_screenshot(str(SCREENSHOTS / f"{page}.png"))
        assert (SCREENSHOTS / f"{page}.png").stat().st_size > 10_000
