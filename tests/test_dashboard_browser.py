"""Real-browser test: headless Chromium opens every page of the running dashboard (real Streamlit
server on 127.0.0.1), waits for it to render, finds no error element, and saves a screenshot under
data/screenshots/ (git-ignored data folder) so people can look at the pages."""

from __future__ import annotations

import time

import pytest

from browser import chromium, needs_browser, streamlit_server
from ingest.config import PROJECT_ROOT

PAGES = ["synthese", "carte", "fiche", "frequentation", "financements", "mobilites", "teletravail", "annuaire",
         "methodologie"]
SCREENSHOTS = PROJECT_ROOT / "data" / "screenshots"
ERROR_SELECTORS = '[data-testid="stException"], [data-testid="stAlertContentError"], [role="dialog"]'

pytestmark = needs_browser


@pytest.fixture(scope="module")
def server(demo_run):
    settings, result = demo_run
    assert result.success
    with streamlit_server(settings.config_path) as url:
        yield url


def _rendered(driver) -> bool:
    from selenium.webdriver.common.by import By
    title = driver.find_elements(By.CSS_SELECTOR, "h1")
    running = driver.find_elements(By.CSS_SELECTOR, '[data-testid="stStatusWidget"]')
    return bool(title) and not running


def _open(driver, url: str, shot: str) -> None:
    from selenium.webdriver.common.by import By
    driver.get(url)
    deadline = time.time() + 90  # CI runners and busy machines are slow
    while time.time() < deadline and not _rendered(driver):
        time.sleep(0.5)
    time.sleep(1.5)  # let charts and the map draw
    if not _rendered(driver):
        driver.save_screenshot(str(SCREENSHOTS / f"{shot}-FAILED.png"))
    assert _rendered(driver), f"{url} not rendered (see {SCREENSHOTS / shot}-FAILED.png)"
    errors = driver.find_elements(By.CSS_SELECTOR, ERROR_SELECTORS)
    assert not errors, f"{url}: {[e.text for e in errors]}"
    assert "Traceback" not in driver.page_source
    assert driver.save_screenshot(str(SCREENSHOTS / f"{shot}.png"))
    assert (SCREENSHOTS / f"{shot}.png").stat().st_size > 10_000


@pytest.mark.parametrize("window", ["1600,1000", "1280,720"])   # a laptop, a projector
def test_every_page_renders_in_chromium(server, window):
    """Every page by its own address ("/synthese" too: a shared link naming the home page opens it, without
    Streamlit's "Page not found" dialog), at both window sizes."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    size = window.replace(",", "x")
    with chromium(window) as driver:
        for page in PAGES:
            _open(driver, f"{server}/{page}", f"{page}-{size}")


def test_menu_keeps_the_territory_and_the_fiche_of_a_commune_names_its_epci(server, demo_warehouse):
    """From a commune's Synthèse, the menu's link opens the Fiche of the same commune, which names its EPCI."""
    from selenium.webdriver.common.by import By
    commune, name, epci = demo_warehouse.execute(
        "select commune_code, commune_name, epci_name from marts.dim_commune where in_territory "
        "order by population desc limit 1").fetchone()
    with chromium("1600,1000") as driver:
        _open(driver, f"{server}/synthese?niveau=commune&code={commune}", "menu-synthese-commune")
        link = next(a for a in driver.find_elements(By.CSS_SELECTOR, '[data-testid="stSidebar"] a')
                    if a.text.endswith("Fiche territoire"))
        assert link.get_attribute("href").endswith(f"/fiche?niveau=commune&code={commune}")
        link.click()
        time.sleep(1)
        _open(driver, driver.current_url, "fiche-commune")
        assert driver.current_url.endswith(f"/fiche?niveau=commune&code={commune}")
        body = driver.find_element(By.CSS_SELECTOR, "section.main, [data-testid='stMain']").text
        assert name in body and f"intercommunalité : {epci}" in body


def test_teletravail_page_shows_the_recommended_communes_of_the_mart(server, demo_warehouse):
    """The « Télétravail et implantations » page shows, for the default scenario (10 km, 1 day a week, 3 new
    places), the communes of fct_site_recommendation's exact solution and the potential users of the territory."""
    from selenium.webdriver.common.by import By
    names = [r[0] for r in demo_warehouse.execute(
        "select commune_name from marts.fct_site_recommendation where access_km = 10 and n_new_sites = 3 and "
        "days_per_week = 1 and algorithm = 'exact' order by site_rank").fetchall()]
    assert len(names) == 3
    with chromium("1600,1000") as driver:
        _open(driver, f"{server}/teletravail?niveau=departement&code=96", "teletravail-recommandation")
        body = driver.find_element(By.CSS_SELECTOR, "[data-testid='stMain']").text
    assert "Où ouvrir les prochains tiers-lieux ?" in body
    assert "Usagers potentiels d'un tiers-lieu" in body
    for name in names:
        assert name in body


def test_map_is_on_the_first_screen_of_a_projector(server):
    """At 1280x720 the map (the contours' canvas) starts on the first screen and its pixels are drawn: the
    territory's outline and its communes in colour, not a blank background."""
    from PIL import Image
    from selenium.webdriver.common.by import By
    with chromium("1280,720") as driver:
        _open(driver, f"{server}/carte", "carte-projecteur")
        time.sleep(2)
        canvas = driver.find_element(By.CSS_SELECTOR, '[data-testid="stDeckGlJsonChart"] canvas')
        top = canvas.rect["y"]
        height = driver.execute_script("return window.innerHeight")
        assert top < 0.6 * height, (top, height)
        shot = SCREENSHOTS / "carte-projecteur-canvas.png"
        canvas.screenshot(str(shot))
        pixels = Image.open(shot).convert("RGB").getdata()
        coloured = sum(1 for r, g, b in pixels if max(r, g, b) - min(r, g, b) > 40)
        assert coloured > 0.2 * len(pixels), coloured / len(pixels)
