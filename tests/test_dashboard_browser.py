"""Real-browser test: headless Chromium opens every page of the running dashboard (real Streamlit
server on 127.0.0.1), waits for it to render, finds no error element, and saves a screenshot under
data/screenshots/ (git-ignored data folder) so people can look at the pages."""

from __future__ import annotations

import time

import pytest

from browser import chromium, needs_browser, streamlit_server
from ingest.config import PROJECT_ROOT

PAGES = ["synthese", "carte", "fiche", "frequentation", "financements", "economie", "mobilites", "teletravail",
         "annuaire", "methodologie"]
SCREENSHOTS = PROJECT_ROOT / "data" / "screenshots"
ERROR_SELECTORS = '[data-testid="stException"], [data-testid="stAlertContentError"], [role="dialog"]'

pytestmark = needs_browser


# The key figures (st.metric) whose value or label is cut (ellipsis: its text is wider than its box).
CUT_METRICS = """
const cut = [];
for (const el of document.querySelectorAll('[data-testid="stMetricValue"], [data-testid="stMetricLabel"]')) {
  if ([el, ...el.querySelectorAll('*')].some(e => e.scrollWidth > e.clientWidth + 1)) cut.push(el.textContent.trim());
}
return cut;
"""

# Streamlit's own English texts that must never show (a French placeholder replaces each).
ENGLISH = ("Choose an option", "Choose options", "Page not found", "No results", "Select all", "Error")


@pytest.fixture(scope="module")
def server(demo_run):
    settings, result = demo_run
    assert result.success
    with streamlit_server(settings.config_path) as url:
        yield url


def _territories(path) -> dict[str, str | None]:
    """One territory per level of a published warehouse: the commune with the most places of the observatory's
    territory, and its EPCI, département and région (and France)."""
    import duckdb
    con = duckdb.connect(str(path), read_only=True)
    try:
        commune, epci, dep, reg = con.execute(
            "select c.commune_code, c.epci_code, c.departement_code, c.region_code from marts.dim_place p "
            "join marts.dim_commune c using (commune_code) where c.epci_code is not null "
            "group by all order by count(*) desc, 1 limit 1").fetchone()
    finally:
        con.close()
    return {"france": None, "region": reg, "departement": dep, "epci": epci, "commune": commune}


def _rendered(driver) -> bool:
    """The page's script has run to its end (Streamlit's own mark on its root element, ``notRunning``; the
    title can show while the script still runs) and shows a title."""
    from selenium.webdriver.common.by import By
    app = driver.find_elements(By.CSS_SELECTOR, '[data-testid="stApp"][data-test-script-state="notRunning"]')
    title = driver.find_elements(By.CSS_SELECTOR, "h1")
    running = driver.find_elements(By.CSS_SELECTOR, '[data-testid="stStatusWidget"]')
    return bool(app) and bool(title) and not running


def _open(driver, url: str, shot: str | None, settle: float = 1.5) -> str:
    """Open ``url``, wait for the page, check it has no error element, no traceback and no English text of
    Streamlit's; save a screenshot when ``shot`` is given. Returns the main area's text."""
    from selenium.webdriver.common.by import By
    driver.get(url)
    # Rendered for 0.3 s in a row: a page that asks for a rerun (a query parameter written back) runs again.
    deadline, since = time.time() + 120, None  # CI runners and busy machines are slow
    while time.time() < deadline:
        if not _rendered(driver):
            since = None
        elif since is None:
            since = time.time()
        elif time.time() - since >= 0.3:
            break
        time.sleep(0.1)
    time.sleep(settle)  # let charts and the map draw
    name = shot or "page"
    if not _rendered(driver):
        driver.save_screenshot(str(SCREENSHOTS / f"{name}-FAILED.png"))
    assert _rendered(driver), f"{url} not rendered (see {SCREENSHOTS / name}-FAILED.png)"
    errors = driver.find_elements(By.CSS_SELECTOR, ERROR_SELECTORS)
    assert not errors, f"{url}: {[e.text for e in errors]}"
    text = driver.find_element(By.CSS_SELECTOR, "body").text
    assert "Traceback" not in text   # shown text (an exception element is caught above whatever it shows)
    assert not [w for w in ENGLISH if w in text], f"{url}: English text {[w for w in ENGLISH if w in text]}"
    cut = driver.execute_script(CUT_METRICS)
    assert not cut, f"{url}: figures or labels cut at this window size: {cut}"
    if shot:
        assert driver.save_screenshot(str(SCREENSHOTS / f"{shot}.png"))
        assert (SCREENSHOTS / f"{shot}.png").stat().st_size > 10_000
    return text


def _every_page(server: str, territories: dict, window: str, prefix: str, levels: str) -> None:
    """Every page at each territory of ``territories`` (``levels``: "all", or one level); on the Carte the
    contours' canvas is drawn; the fiche of a commune names the commune's EPCI. One screenshot per page and
    level."""
    from selenium.webdriver.common.by import By
    if levels != "all":
        territories = {levels: territories[levels]}
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    size = window.replace(",", "x")
    with chromium(window) as driver:
        for page in PAGES:
            for level, code in territories.items():
                query = f"?niveau={level}" + (f"&code={code}" if code else "")
                text = _open(driver, f"{server}/{page}{query}", f"{prefix}-{page}-{level}-{size}", settle=0.3)
                if page == "carte" and "Contours non disponibles" not in text:
                    assert driver.find_elements(By.CSS_SELECTOR, '[data-testid="stDeckGlJsonChart"] canvas'), \
                        f"{page} {level}: no map"
                if page == "fiche" and level == "commune":
                    assert "intercommunalité :" in text, "the fiche of a commune names its EPCI"


# Every page at every level once per warehouse, at one window size each (the demo at a laptop's, the real
# files at a projector's, where the map must stay on the first screen), and the real files' pages at the
# EPCI level at the laptop's size. What a page shows does not depend on the window; its layout does, and the
# EPCI pages are the fullest (contours, names, tables). The demo at the projector's size: the map's test below.
@pytest.mark.parametrize("window, levels", [("1600,1000", "all")])
def test_every_page_at_every_level_in_chromium(server, demo_run, window, levels):
    """The demo warehouse: every page by its own address ("/synthese" too: a shared link naming the home page
    opens it, without Streamlit's "Page not found" dialog)."""
    settings, _ = demo_run
    _every_page(server, _territories(settings.published_path), window, "demo", levels)


@pytest.fixture(scope="module")
def real_server(real_warehouse):
    _, _, settings = real_warehouse
    with streamlit_server(settings.config_path) as url:
        yield url, settings


@pytest.mark.parametrize("window, levels", [("1280,720", "all"), ("1600,1000", "epci")])
def test_every_page_at_every_level_on_the_real_files(real_server, window, levels):
    """The same on the warehouse published from the real files of ../shared/data."""
    url, settings = real_server
    _every_page(url, _territories(settings.published_path), window, "reel", levels)


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
