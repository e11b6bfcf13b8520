"""Real-browser test: headless Chromium opens every page of the running dashboard (real Streamlit
server on 127.0.0.1), waits for it to render, finds no error element, and saves a screenshot under
data/screenshots/ (git-ignored data folder) so people can look at the pages."""

from __future__ import annotations

import time

import pytest

from browser import chromium, needs_browser, streamlit_server
from ingest.config import PROJECT_ROOT

PAGES = ["synthese", "carte", "fiche", "frequentation", "financements", "mobilites", "annuaire", "methodologie"]
SCREENSHOTS = PROJECT_ROOT / "data" / "screenshots"
ERROR_SELECTORS = '[data-testid="stException"], [data-testid="stAlertContentError"], [role="dialog"]'

pytestmark = needs_browser


@pytest.fixture(scope="module")
def server(demo_run):
    settings, result = demo_run
    assert result.success
    with streamlit_server(settings.config_path) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with chromium() as driver:
        yield driver


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
