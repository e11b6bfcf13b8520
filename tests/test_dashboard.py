"""The dashboard on the published demo warehouse: Streamlit AppTest for every page and territory level
(no exception, figures equal the marts), and the real server answering HTTP 200."""

from __future__ import annotations

import re

import pandas as pd
import pytest
import requests
from streamlit.testing.v1 import AppTest

from browser import APP, streamlit_server
from dashboards.formatting import fr_number
from ingest.config import PROJECT_ROOT

PAGES = ["synthese", "carte", "fiche", "frequentation", "financements", "economie", "mobilites", "teletravail",
         "annuaire", "methodologie"]
PAGE_SCRIPT = """
import sys
sys.path.insert(0, {root!r})
from dashboards.views import {page}
{page}.render()
"""


@pytest.fixture
def dashboard_env(demo_run, monkeypatch):
    settings, result = demo_run
    assert result.success
    monkeypatch.setenv("OBSERVATOIRE_CONFIG", str(settings.config_path))
    return settings


@pytest.fixture(scope="module")
def territories(demo_run):
    """One territory code per level, taken from the published marts (the EPCI with the most places)."""
    import duckdb
    settings, _ = demo_run
    con = duckdb.connect(str(settings.published_path), read_only=True)
    try:
        epci = con.execute("select epci_code from marts.fct_coverage_epci "
                           "order by n_tiers_lieux desc, epci_code limit 1").fetchone()[0]
        commune, dep, reg = con.execute(
            "select p.commune_code, c.departement_code, c.region_code from marts.dim_place p "
            "join marts.dim_commune c using (commune_code) group by all order by count(*) desc, 1 limit 1").fetchone()
    finally:
        con.close()
    return {"region": reg, "departement": dep, "epci": epci, "commune": commune}


def run_page(page: str, level: str | None = None, code: str | None = None) -> AppTest:
    at = AppTest.from_string(PAGE_SCRIPT.format(root=str(PROJECT_ROOT), page=page), default_timeout=60)
    if level:
        at.query_params["niveau"] = level
    if code:
        at.query_params["code"] = code
    at.run()
    assert not at.exception, (page, level, [e.value for e in at.exception])
    return at


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_at_every_level(dashboard_env, territories, page):
    for level, code in territories.items():
        at = run_page(page, level, code)
        if page != "methodologie":
            assert at.sidebar.selectbox, page  # the territory selector is there
        assert any("données fictives" in w.value for w in at.warning)


def test_a_publication_of_an_earlier_version_is_said_in_french(demo_run, demo_mirror, tmp_path, monkeypatch):
    """The dashboard of a new version reading a publication of an earlier one (here without the mart
    fct_summary_territory the Synthèse reads): a French message that says what the team must do, no
    traceback."""
    import duckdb

    from conftest import seeded_config
    from ingest.config import load_settings

    cfg = seeded_config(tmp_path, demo_mirror[0], demo_run[0].published_path)
    con = duckdb.connect(str(load_settings(cfg).published_path))
    con.execute("drop table marts.fct_summary_territory")
    con.close()
    monkeypatch.setenv("OBSERVATOIRE_CONFIG", str(cfg))
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception, at.exception
    assert [e.value for e in at.error] == [
        "Les données publiées ont été préparées par une version antérieure de l'observatoire : cette page ne "
        "peut pas les afficher. L'équipe de l'observatoire doit relancer une publication complète "
        "(« python -m orchestration.run »)."]
    assert "fct_summary_territory" in at.caption[-1].value


def test_app_default_page_is_the_synthesis_of_the_territory(dashboard_env, demo_warehouse):
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception, at.exception
    m = metrics(at)
    n_tl, n_fs, pop = demo_warehouse.execute(
        "select sum(n_tiers_lieux), sum(n_france_services), sum(population) from marts.fct_coverage_epci "
        "where in_territory").fetchone()
    assert m["Tiers-lieux"] == fr_number(n_tl)
    assert m["France Services"] == fr_number(n_fs)
    assert m["Population"] == fr_number(pop, 0, " hab.")
    assert m["Tiers-lieux / 10 000 hab."] == fr_number(n_tl * 10000 / pop, 2)
    assert at.query_params["niveau"] == "departement"  # the choice is written into the URL
    assert any("données fictives" in w.value for w in at.warning)


def test_synthesis_of_an_epci_equals_the_epci_marts(dashboard_env, territories, demo_warehouse):
    code = territories["epci"]
    m = metrics(run_page("synthese", "epci", code))
    n_tl, n_fs, pop = demo_warehouse.execute(
        "select n_tiers_lieux, n_france_services, population from marts.fct_coverage_epci where epci_code = ?",
        [code]).fetchone()
    share = demo_warehouse.execute("select share_within_tiers_lieu from marts.fct_access_epci "
                                   "where epci_code = ? and distance_km = 10", [code]).fetchone()[0]
    funding = demo_warehouse.execute("select coalesce(sum(amount_to_places_eur), 0) from marts.fct_funding_epci "
                                     "where epci_code = ?", [code]).fetchone()[0]
    visitors = demo_warehouse.execute(
        "select visitors_per_week from marts.fct_attendance_epci where epci_code = ? and wave_year = "
        "(select max(wave_year) from marts.fct_attendance_place)", [code]).fetchone()
    assert m["Tiers-lieux"] == fr_number(n_tl)
    assert m["France Services"] == fr_number(n_fs)
    assert m["Population"] == fr_number(pop, 0, " hab.")
    assert m["À moins de 10 km d'un tiers-lieu"] == fr_number(100 * share, 1, " %")
    assert m["Subventions aux tiers-lieux"] == fr_number(funding, 0, " €")
    assert m["Visiteurs par semaine (enquête)"] == fr_number(visitors[0] if visitors else None)


def test_fiche_of_an_epci_equals_the_marts(dashboard_env, territories, demo_warehouse):
    code = territories["epci"]
    at = run_page("fiche", "epci", code)
    m = metrics(at)
    n_tl, per10k, n_fs = demo_warehouse.execute(
        "select n_tiers_lieux, tiers_lieux_per_10k, n_france_services from marts.fct_coverage_epci "
        "where epci_code = ?", [code]).fetchone()
    assert m["Tiers-lieux"] == fr_number(n_tl)
    assert m["Tiers-lieux pour 10 000 hab."] == fr_number(per10k, 2)
    assert m["France Services"] == fr_number(n_fs)
    assert at.get("download_button"), "the printable export is offered"


def test_directory_lists_and_filters_places(dashboard_env, territories, demo_warehouse):
    code = territories["epci"]
    n = demo_warehouse.execute("select count(*) from marts.dim_place where epci_code = ?", [code]).fetchone()[0]
    at = run_page("annuaire", "epci", code)
    assert metrics(at)["Lieux trouvés"] == fr_number(n)
    name = demo_warehouse.execute("select place_name from marts.dim_place where epci_code = ? order by place_name "
                                  "limit 1", [code]).fetchone()[0]
    at.text_input[0].input(name).run()
    shown = at.dataframe[0].value
    assert 1 <= len(shown) <= n and name in set(shown["Nom"])
    at.multiselect[0].select("france_services").run()
    assert set(at.dataframe[0].value["Type"]) <= {"France Services"}
    assert len(at.get("download_button")) == 2  # CSV and XLSX


def test_directory_exports_are_readable_and_open_formulas_as_text():
    """A place name that a spreadsheet would run as a formula is text in both exports: a text cell of the
    XLSX (openpyxl reads it back as the same string, not as a formula), an apostrophe first in the CSV."""
    import csv
    import io

    import openpyxl
    import pandas as pd

    from dashboards.views.annuaire import to_csv, to_xlsx
    hostile = '=HYPERLINK("http://example.invalid","clic")'
    df = pd.DataFrame({"Nom": ["Le Lieu", hostile, "@SUM(1)"], "Code commune": ["01001", "2A004", "96001"]})
    back = pd.read_excel(io.BytesIO(to_xlsx(df)), dtype=str)
    assert back.to_dict("records") == df.to_dict("records")
    sheet = openpyxl.load_workbook(io.BytesIO(to_xlsx(df))).active
    assert [(c.value, c.data_type) for c in sheet["A"]][1:] == [("Le Lieu", "s"), (hostile, "s"), ("@SUM(1)", "s")]
    rows = list(csv.reader(io.StringIO(to_csv(df).decode("utf-8-sig")), delimiter=";"))
    assert rows[1:] == [["Le Lieu", "01001"], ["'" + hostile, "2A004"], ["'@SUM(1)", "96001"]]


@pytest.mark.parametrize("page", ["synthese", "fiche", "annuaire"])
def test_unknown_territory_in_the_url_gives_a_message_and_no_figures(dashboard_env, page):
    """An unknown or hostile code is answered in French, the selector is left on nothing, no figure of another
    territory is shown; the code shown back is stripped of markup."""
    at = run_page(page, "epci", "<b>000000000</b>")
    assert any("Territoire introuvable" in w.value and "« b000000000b »" in w.value for w in at.warning)
    assert at.sidebar.selectbox[1].value is None
    assert not at.metric


def test_fiche_of_a_commune_names_its_epci(dashboard_env, territories, demo_warehouse):
    """Arriving at the fiche from a commune opens that commune's fiche, which names the commune's own EPCI,
    département and région."""
    epci, dep = demo_warehouse.execute("select epci_name, departement_name from marts.dim_commune "
                                       "where commune_code = ?", [territories["commune"]]).fetchone()
    at = run_page("fiche", "commune", territories["commune"])
    assert at.sidebar.selectbox[1].value == territories["commune"]
    context = " ".join(c.value for c in at.caption)
    assert f"intercommunalité : {epci}" in context and f"département : {dep}" in context


def test_missing_warehouse_gives_a_friendly_message(tmp_path, monkeypatch):
    cfg = tmp_path / "empty.toml"
    cfg.write_text(f'[territory]\nname = "Vide"\n[paths]\nwarehouse = "{tmp_path / "nowhere"}"\n', encoding="utf-8")
    monkeypatch.setenv("OBSERVATOIRE_CONFIG", str(cfg))
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert not at.exception
    assert any("en cours de préparation" in i.value for i in at.info)


def test_server_answers_http_200(dashboard_env):
    with streamlit_server(dashboard_env.config_path) as url:
        assert requests.get(f"{url}/", timeout=10).status_code == 200


def test_funding_page_equals_the_funding_marts(dashboard_env, territories, demo_warehouse):
    for level, code in (("departement", territories["departement"]), ("epci", territories["epci"])):
        at = run_page("financements", level, code)
        m = metrics(at)
        amount, fs_estimate = demo_warehouse.execute(
            "select amount_to_places_eur, estimated_france_services_eur from marts.fct_funding_territory "
            "where territory_level = ? and territory_code = ?", [level, code]).fetchone()
        assert m["Subventions versées aux tiers-lieux"] == fr_number(amount, 0, " €")
        tables = [df.value for df in at.dataframe if "Programme" in df.value.columns]
        if fs_estimate:
            got = dict(zip(tables[0]["Programme"], tables[0]["Montant estimé (€)"]))
            assert got["France Services"] == fs_estimate
        elif tables:   # programme laureates / conseillers numériques of the demo, but no France Services
            assert "France Services" not in set(tables[0]["Programme"])
        else:
            assert any("Aucun site" in i.value for i in at.info)


def test_commuting_page_equals_the_commuting_marts(dashboard_env, territories, demo_warehouse):
    dep = territories["departement"]
    m = metrics(run_page("mobilites", "departement", dep))
    actifs, out = demo_warehouse.execute(
        "select sum(m.active_residents), sum(m.commuters_out_of_commune) from marts.fct_commuting_commune m "
        "join marts.dim_commune c using (commune_code) where c.departement_code = ?", [dep]).fetchone()
    assert m["Actifs résidents"] == fr_number(actifs)
    assert m["Travaillent hors de leur commune"] == fr_number(out)


def test_attendance_page_equals_the_attendance_mart(dashboard_env, territories, demo_warehouse):
    for level, code in (("region", territories["region"]), ("epci", territories["epci"])):
        m = metrics(run_page("frequentation", level, code))
        year, visitors, per_1000, respondents, known, rate = demo_warehouse.execute(
            "select wave_year, visitors_per_week, visitors_per_week_per_1000_inhabitants, n_known_respondents, "
            "n_known_places, response_rate from marts.fct_attendance_territory "
            "where territory_level = ? and territory_code = ? and place_category = 'tous' "
            "order by wave_year desc limit 1", [level, code]).fetchone()
        assert m[f"Visiteurs par semaine ({year})"] == fr_number(visitors)
        assert m["Visiteurs par semaine pour 1 000 hab."] == fr_number(per_1000, 1)
        assert m["Lieux connus répondants"] == f"{fr_number(respondents)} sur {fr_number(known)}"
        assert 0 <= rate <= 1
        assert m["Taux de réponse"] == fr_number(100 * rate, 1, " %")


def test_fiche_shows_the_opportunity_rank_of_the_mart(dashboard_env, territories, demo_warehouse):
    epci = territories["epci"]
    m = metrics(run_page("fiche", "epci", epci))
    rank, zone, n = demo_warehouse.execute(
        "select opportunity_rank, is_opportunity_zone, (select count(*) from marts.fct_opportunity_epci) "
        "from marts.fct_opportunity_epci where epci_code = ?", [epci]).fetchone()
    assert m["Rang « zone d'opportunité »"] == f"{fr_number(rank)} sur {fr_number(n)}"
    assert m["Zone d'opportunité"] == ("oui" if zone else "non")


def test_attendance_page_shows_the_daily_occupancy_mart(dashboard_env, demo_warehouse):
    at = run_page("frequentation")
    table = next(df.value for df in at.dataframe if "Occupation moyenne (%)" in df.value.columns)
    expected = dict(demo_warehouse.execute(
        "select site, 100 * avg(mean_occupancy_rate) from marts.fct_occupancy_daily group by site").fetchall())
    got = dict(zip(table["Site"], table["Occupation moyenne (%)"]))
    assert got.keys() == expected.keys() and len(got) >= 2
    assert all(abs(got[k] - expected[k]) < 1e-9 for k in got)


def test_attendance_page_shows_only_the_territory_s_counted_sites(dashboard_env, demo_warehouse):
    """A territory's Fréquentation shows the counted sites whose declared commune is in it, no other."""
    commune, site, n_sites = demo_warehouse.execute(
        "select commune_code, site, (select count(*) from marts.fct_occupancy_site) from marts.fct_occupancy_site "
        "where commune_code is not null order by site limit 1").fetchone()
    assert n_sites >= 2
    epci = demo_warehouse.execute("select epci_code from marts.dim_commune where commune_code = ?", [commune]).fetchone()[0]
    expected = {r[0] for r in demo_warehouse.execute(
        "select site from marts.fct_occupancy_site s join marts.dim_commune c using (commune_code) "
        "where c.epci_code = ?", [epci]).fetchall()}
    for level, code, sites in (("commune", commune, {site}), ("epci", epci, expected)):
        at = run_page("frequentation", level, code)
        table = next(df.value for df in at.dataframe if "Occupation moyenne (%)" in df.value.columns)
        assert set(table["Site"]) == sites and len(sites) < n_sites, (level, code)


def test_methodology_speaks_french_not_technical_names(dashboard_env, demo_warehouse):
    """The run journal and the checks are shown in words: French dates, « oui »/« non », a data source's label
    instead of its asset key, the check's French message instead of an expectation's class name."""
    at = run_page("methodologie")
    tables = [df.value for df in at.dataframe]
    runs = next(t for t in tables if "Publiée" in t.columns)
    assert set(runs["Publiée"]) <= {"oui", "non"}
    assert all(re.fullmatch(r"\d\d/\d\d/\d{4} à \d\d:\d\d:\d\d", v) for v in runs["Début"])
    checks = next(t for t in tables if "Contrôle" in t.columns and "Donnée" in t.columns)
    text = " ".join(checks.astype(str).to_numpy().ravel())
    assert "Expect" not in text and "raw/" not in text and "marts/" not in text
    label = demo_warehouse.execute("select source_label from marts.meta_sources where source_name = 'populations'"
                                   ).fetchone()[0]
    assert f"Fichier source : {label}" in set(checks["Donnée"])


def test_directory_gives_addresses_and_contacts(dashboard_env, territories, demo_warehouse):
    """The Annuaire lists each place with its address and the contacts its source publishes (the France
    Services list: e-mail and telephone), not its coordinates."""
    dep = territories["departement"]
    name, phone, email = demo_warehouse.execute(
        "select place_name, phone, email from marts.dim_place where departement_code = ? and phone is not null "
        "order by place_name limit 1", [dep]).fetchone()
    at = run_page("annuaire", "departement", dep)
    shown = at.dataframe[0].value
    assert {"Adresse", "Code postal", "Téléphone", "Courriel", "Site web"} <= set(shown.columns)
    assert not {"Latitude", "Longitude"} & set(shown.columns)
    row = shown[shown["Nom"] == name].iloc[0]
    assert (row["Téléphone"], row["Courriel"]) == (phone, email)


def _deck_layers(at: AppTest) -> dict[str, dict]:
    import json
    spec = json.loads(at.get("deck_gl_json_chart")[0].proto.json)
    return {layer["@@type"]: layer for layer in spec["layers"]} | {"view": spec["initialViewState"]}


def test_map_draws_the_territory_with_its_contours(dashboard_env, territories, demo_warehouse):
    """The Carte draws the contours of the selected territory's communes (a commune among those of its EPCI),
    coloured by the chosen indicator, the territory's outline, and a view centred on the territory; with no
    tile server, the contours are the map."""
    epci, commune = territories["epci"], territories["commune"]
    for level, code, epci_of_map in (("epci", epci, epci), ("commune", commune, None)):
        if epci_of_map is None:
            epci_of_map = demo_warehouse.execute("select epci_code from marts.dim_commune where commune_code = ?",
                                                 [code]).fetchone()[0]
        names = {r[0] for r in demo_warehouse.execute(
            "select g.territory_name from marts.dim_territory_geometry g join marts.dim_commune c "
            "on g.territory_level = 'commune' and g.territory_code = c.commune_code "
            "where c.epci_code = ? and g.geometry_geojson is not null", [epci_of_map]).fetchall()}
        at = run_page("carte", level, code)
        layers = _deck_layers(at)
        assert {p["label"] for p in layers["PolygonLayer"]["data"]} == names and len(names) > 1
        assert layers["PathLayer"]["data"], "the selected territory's outline"
        xs = [x for p in layers["PathLayer"]["data"] for x, _ in p["path"]]
        ys = [y for p in layers["PathLayer"]["data"] for _, y in p["path"]]
        view = layers["view"]
        assert min(xs) - 0.5 <= view["longitude"] <= max(xs) + 0.5 and min(ys) - 0.5 <= view["latitude"] <= max(ys) + 0.5
        legend = " ".join(m.value for m in at.markdown)
        assert "Tiers-lieux pour 10 000 habitants, par commune" in legend
        assert "Flux domicile-travail" not in legend   # no flow drawn, none in the legend


def test_fiche_pdf_of_a_commune_in_french(dashboard_env, territories, demo_warehouse):
    """The fiche's PDF names the commune and its EPCI, lists its neighbours (communes whose contours touch
    it) and writes numbers the French way (thousands separated by a space, decimal comma)."""
    import io

    from pypdf import PdfReader

    from dashboards.territory import resolve
    from dashboards.views import fiche
    code = territories["commune"]
    t = resolve("commune", code)
    f = fiche.figures(t)
    context, _ = fiche.context_line(t)
    near = fiche.neighbour_table(t)
    assert len(near) >= 2
    data = fiche.fiche_pdf_bytes(t, f, context, near, pd.DataFrame(),
                                 pd.DataFrame(columns=["Commune", "Population"]), None)
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).replace("\u00a0", " ")
    epci, pop = demo_warehouse.execute("select epci_name, population from marts.dim_commune where commune_code = ?",
                                       [code]).fetchone()
    assert t.name in text and epci in text and "Territoires voisins" in text
    assert fr_number(pop).replace("\u202f", " ") in text and str(pop) not in text.replace(" ", "X")
    assert all(name in text for name in near["Territoire"].head(3))


def test_fiche_shows_the_evolution_between_survey_waves(dashboard_env, territories, demo_warehouse):
    """Where two survey waves exist, the fiche gives the territory's figures wave after wave, as the mart."""
    dep = territories["departement"]
    expected = demo_warehouse.execute(
        "select cast(wave_year as varchar), visitors_per_week from marts.fct_attendance_territory "
        "where territory_level = 'departement' and territory_code = ? and place_category = 'tous' "
        "and n_respondents > 0 order by wave_year", [dep]).fetchall()
    assert len(expected) >= 2
    at = run_page("fiche", "departement", dep)
    table = next(df.value for df in at.dataframe if "Vague" in df.value.columns)
    assert list(zip(table["Vague"], table["Visiteurs par semaine"])) == expected


def test_needs_map_on_the_mobility_page(dashboard_env, territories, demo_warehouse):
    """The communes with long commuters and no tiers-lieu nearby are on a map of the territory's contours."""
    epci = demo_warehouse.execute("select epci_code from marts.fct_opportunity_epci "
                                  "order by unserved_long_commuters desc limit 1").fetchone()[0]
    at = run_page("mobilites", "epci", epci)
    layers = _deck_layers(at)
    shown = {p["label"] for p in layers["PolygonLayer"]["data"]}
    expected = {r[0] for r in demo_warehouse.execute(
        "select c.commune_name from marts.dim_commune c join marts.fct_commuting_commune m using (commune_code) "
        "where c.epci_code = ? and m.unserved_long_commuters is not null", [epci]).fetchall()}
    assert shown == expected and shown


def test_directory_filters_by_service(dashboard_env, territories, demo_warehouse):
    """The places offering a service are the ones the referential matched to that programme's records."""
    reg = territories["region"]
    at = run_page("annuaire", "region", reg)
    expected = {r[0] for r in demo_warehouse.execute(
        "select place_name from marts.dim_place where region_code = ? "
        "and list_contains(source_names, 'conseillers_numeriques')", [reg]).fetchall()}
    assert expected, "the demo has a tiers-lieu hosting a conseiller numérique"
    at.multiselect[1].select("conseiller_numerique").run()
    shown = at.dataframe[0].value
    assert set(shown["Nom"]) == expected
    assert all("Conseiller numérique" in s for s in shown["Services"])
    at.multiselect[1].select("france_services").run()   # both services: the intersection
    both = {r[0] for r in demo_warehouse.execute(
        "select place_name from marts.dim_place p where region_code = ? "
        "and list_contains(source_names, 'conseillers_numeriques') and (place_family = 'france_services' or real_place_id in "
        "(select real_place_id from marts.dim_place where place_family = 'france_services'))", [reg]).fetchall()}
    assert set(at.dataframe[0].value["Nom"]) == both


def test_quality_page_shows_the_share_placed_per_source(dashboard_env, demo_warehouse):
    at = run_page("methodologie")
    table = next(df.value for df in at.dataframe if "Part rattachée (%)" in df.value.columns)
    rows, placed = demo_warehouse.execute(
        "select sum(rows), sum(placed) from marts.quality_placement_by_source").fetchone()
    assert (table["Lignes"].sum(), table["Rattachées"].sum()) == (rows, placed)
    assert len(table) == demo_warehouse.execute("select count(*) from marts.quality_placement_by_source").fetchone()[0]


def test_teletravail_page_shows_the_figures_of_the_telework_marts(dashboard_env, demo_warehouse):
    """« Télétravail et implantations » for the demo département, default scenario (10 km, 1 day a week): its
    figures are those of fct_telework_territory."""
    at = run_page("teletravail", "departement", "96")
    m = metrics(at)
    users, near, km = demo_warehouse.execute(
        "select potential_users, potential_users_near_place, km_avoided_per_year from marts.fct_telework_territory "
        "where territory_level = 'departement' and territory_code = '96' and access_km = 10 and days_per_week = 1"
    ).fetchone()
    assert m["Usagers potentiels d'un tiers-lieu"] == fr_number(users)
    assert m["Dont avec un tiers-lieu à moins de 10 km"] == fr_number(near)
    assert m["Kilomètres évités par an"] == fr_number(km)


def test_funding_page_of_france_shows_the_unplaced_line_and_says_non_disponible(dashboard_env, demo_warehouse):
    """France's programme table ends with the « non localisé » line of fct_funding_funder_programme (the host
    structures of conseillers numériques published without a commune), and the programmes without a list or an
    amount rule are named « non disponible » rather than shown at 0."""
    at = run_page("financements", "france")
    table = next(df.value for df in at.dataframe if "Programme" in df.value.columns)
    got = dict(zip(table["Programme"], table["Montant estimé (€)"]))
    unplaced = demo_warehouse.execute(
        "select amount_eur from marts.fct_funding_funder_programme where programme_code = 'conseiller_numerique' "
        "and placement = 'non_localise'").fetchone()[0]
    assert got["Conseillers numériques : non localisé"] == unplaced
    captions = " ".join(c.value for c in at.caption)
    assert "Non disponible" in captions and "Campus connectés" in captions and "Micro-Folies" in captions
    assert "Campus connectés" not in got


@pytest.fixture
def real_dashboard_env(real_warehouse, monkeypatch):
    _, _, settings = real_warehouse
    monkeypatch.setenv("OBSERVATOIRE_CONFIG", str(settings.config_path))
    return real_warehouse


def test_real_files_pages_say_the_base_of_grants_and_of_commuting(real_dashboard_env):
    """On the real files, a territory without grants data or commuting data says so instead of a bare zero:
    the grant figures name the funders whose SCDL files are loaded (read here from the files themselves), the
    commuting figures of Île-de-France their census year (read from the flows file's header), and
    the fiche of Meurthe-et-Moselle, which the Île-de-France flows file does not cover, says the opportunity
    communes are not computed; the fiche of Île-de-France does not."""
    import csv
    _, data, _ = real_dashboard_env
    funders: dict[str, set[str]] = {}
    for path in sorted((data / "scdl_subventions_toulouse").glob("subventions-toulouse_*.csv")):
        year = re.search(r"_(\d{4})\.csv$", path.name).group(1)   # the files publish no convention date
        with path.open(encoding="utf-8-sig", newline="") as fh:
            for row in csv.DictReader(fh, delimiter=";"):
                funders.setdefault(row["nomAttribuant"], set()).add(year)
    assert funders == {"Toulouse Métropole": {"2022", "2023"}}
    base = "subventions publiées par Toulouse Métropole (2022 et 2023)"
    synthese = " ".join(c.value for c in run_page("synthese", "departement", "54").caption)
    assert f"base : {base}" in synthese
    financements = " ".join(c.value for c in run_page("financements", "departement", "54").caption)
    assert f"Base : {base}" in financements

    with (data / "mobpro_idf_cartograflow" / "tab_IDF_mobpro.csv").open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh, delimiter=";")
        census = 2000 + int(next(re.fullmatch(r"NBFLUX_C(\d{2})_ACTOCC15P", c) for c in reader.fieldnames
                                 if re.fullmatch(r"NBFLUX_C(\d{2})_ACTOCC15P", c)).group(1))
        residences = {row["CODGEO"][:2] for row in reader}
    assert "54" not in residences and "75" in residences
    mobilites = " ".join(c.value for c in run_page("mobilites", "region", "11").caption)
    assert f"flux domicile-travail du recensement de l'INSEE (année {census})" in mobilites
    not_computed = "Non calculé : aucune donnée de mobilité domicile-travail pour ce territoire"
    assert any(not_computed in i.value for i in run_page("fiche", "departement", "54").info)
    idf = run_page("fiche", "region", "11")
    assert not any(not_computed in e.value for e in [*idf.info, *idf.caption])
