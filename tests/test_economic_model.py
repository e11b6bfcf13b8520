"""The survey's economic-model fields (issue 23): the importer reads them (the template's labels, a form tool's
headers, an old file without them) and applies their coherence rule; the mart fct_economic_model_territory
equals the demo generator's truth (computed in Python from the rows it wrote, ingest/demo/truth.py); the
page « Modèle économique et emplois » shows the mart's figures with their base."""

from __future__ import annotations

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from ingest.config import PROJECT_ROOT
from ingest.fetch import fetch
from ingest.surveys import importer
from ingest.surveys.validate import ERROR, validate_row

HEADER = ("Année de l'enquête;Nom du lieu;Code commune INSEE;Chiffre d'affaires ou budget annuel (€);"
          "Prix d'un poste de travail par mois (€);Recettes : location d'espaces et de postes (€);"
          "Recettes : subventions (€);Capacité d'accueil (personnes);"
          "Accessibilité aux personnes à mobilité réduite;Publics accueillis")


def load(tmp_path, name: str, text: str) -> duckdb.DuckDBPyConnection:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    con = duckdb.connect()
    result = importer.load(con, [fetch("surveys", str(path), tmp_path / "snap")])
    assert result.rows_read == result.rows_loaded + result.rows_rejected
    return con


def test_the_importer_reads_the_economic_fields_and_applies_their_coherence_rule(tmp_path):
    con = load(tmp_path, "enquete_2025.csv", HEADER + "\n"
               "2025;La Ruche;96001;120 000;180 € HT;70 k€;30000;45;en partie;\"étudiants; freelances\"\n"
               "2025;Le Hangar;96002;50000;;40000;20000;;non;tout public\n"       # 60 000 € of revenue > 50 000
               "2025;La Forge;96003;;;1000;;;;\n")                                 # revenue by activity, no turnover
    kept = con.execute("select nom_lieu, prix_poste_mois_eur, recettes_location_eur, recettes_subventions_eur, "
                       "capacite_accueil, accessibilite_pmr, publics, chiffre_affaires_eur from raw.surveys "
                       "order by _line").fetchall()
    assert kept == [("La Ruche", "180", "70000", "30000", "45", "partielle",
                     "étudiants;indépendants et entrepreneurs", "120000"),
                    ("La Forge", None, "1000", None, None, None, None, None)]
    (reason,) = con.execute("select reason from raw.surveys_rejects").fetchone()
    assert reason.startswith("enquete_2025.csv, ligne 3 : ")
    assert "la somme des recettes par activité (60000 €) dépasse le chiffre d'affaires (50000 €)" in reason
    report = con.execute("select ligne, champ, probleme, action, gravite from raw.surveys_report "
                         "where champ = 'Chiffre d''affaires ou budget annuel' order by ligne").fetchall()
    assert [(r[0], r[4]) for r in report] == [(3, ERROR), (4, "avertissement")]
    assert "sans chiffre d'affaires" in report[1][2] and "recettes conservées" in report[1][3]


def test_a_form_tool_export_and_an_old_file_without_the_new_columns_load(tmp_path):
    con = load(tmp_path, "export.csv", "id;submitdate;ANNEE;NOMLIEU;CODEINSEE;CA;PRIXPOSTE;REC[LOCATION];PMR\n"
                                       "1;2025-03-02 10:00;2025;Le Quai;96001;80000;150;60000;oui\n")
    assert con.execute("select prix_poste_mois_eur, recettes_location_eur, accessibilite_pmr "
                       "from raw.surveys").fetchall() == [("150", "60000", "oui")]
    old = load(tmp_path, "enquete_2019.csv", "annee;nom_lieu;code_commune;chiffre_affaires_eur\n2019;Le Quai;96001;1\n")
    assert old.execute("select count(*), count(prix_poste_mois_eur) from raw.surveys").fetchone() == (1, 0)


@pytest.mark.parametrize("turnover,revenues,error", [
    ("10000", {"recettes_location_eur": "10050"}, False),        # within 1 % (rounding)
    ("10000", {"recettes_location_eur": "6000", "recettes_formation_eur": "4500"}, True),
    ("10000", {}, False),
])
def test_revenue_rule(turnover, revenues, error):
    _, findings = validate_row({"annee": "2025", "nom_lieu": "Lieu", "code_commune": "96001",
                                "chiffre_affaires_eur": turnover, **revenues})
    assert any(f.severity == ERROR and f.field == "chiffre_affaires_eur" for f in findings) == error


# ------------------------------------------------------------------------------------------------
# The demo: the mart against the generator's truth
# ------------------------------------------------------------------------------------------------

def mart(con, wave: int, level: str, code: str):
    cur = con.execute("select * from marts.fct_economic_model_territory where wave_year = ? and territory_level = ? "
                      "and territory_code = ?", [wave, level, code])
    names = [d[0] for d in cur.description]
    rows = cur.fetchall()
    assert len(rows) == 1, (wave, level, code)
    return dict(zip(names, rows[0]))


def test_demo_economic_model_equals_the_generator_truth(demo_warehouse, demo_mirror):
    truth = demo_mirror[1]
    dep = truth["territory"]["departements"][0] if "departements" in truth["territory"] else "96"
    latest = max(int(w) for w in truth["surveys"])
    for wave, t in truth["surveys"].items():
        e = t["economy"]
        row = mart(demo_warehouse, int(wave), "departement", dep)
        assert row["is_latest_wave"] == (int(wave) == latest)
        assert row["n_answers"] == t["respondents"]
        assert (row["n_places_revenue"], row["n_places_fte"], row["n_places_desk_price"]) == (
            e["n_revenue"], e["n_fte"], e["n_price"])
        assert row["revenue_eur_sum"] == pytest.approx(e["revenue_sum"])
        assert row["revenue_eur_median"] == pytest.approx(e["revenue_median"])
        assert row["staff_fte_sum"] == pytest.approx(e["fte_sum"])
        assert row["desk_price_month_eur_median"] == pytest.approx(e["price_per_desk_median"])
        assert row["n_places_revenue_by_activity"] == e["n_revenue_by_activity"]
        for column, amount in e["revenue_by_activity"].items():
            activity = column.removeprefix("recettes_").removesuffix("_eur")
            assert row[f"revenue_{activity}_eur"] == pytest.approx(amount), activity
            assert row[f"share_revenue_{activity}"] == pytest.approx(amount / sum(e["revenue_by_activity"].values()))
        assert (row["n_places_services"], row["n_places_public_service"]) == (e["n_services"], e["n_public_service"])
        assert row["n_places_legal_status"] == sum(row[k] for k in row if k.startswith("n_places_status_"))
        answered = [code for code, x in e["by_epci"].items() if x["n_revenue"]]
        assert answered, "the demo has EPCI with answers"
        for code, x in e["by_epci"].items():
            r = mart(demo_warehouse, int(wave), "epci", code)
            assert (r["n_places_revenue"], r["n_places_fte"]) == (x["n_revenue"], x["n_fte"]), code
            assert (r["revenue_eur_sum"] or 0) == pytest.approx(x["revenue_sum"]), code
            assert (r["staff_fte_sum"] or 0) == pytest.approx(x["fte_sum"]), code
    # the figures shared with the attendance marts agree (same answers, same communes)
    assert demo_warehouse.execute("""
        select count(*) from marts.fct_economic_model_territory e
        join marts.fct_attendance_territory a using (wave_year, territory_level, territory_code)
        where a.place_category = 'tous' and coalesce(e.desks_sum, 0) <> a.desks""").fetchone() == (0,)


PAGE = """
import sys
sys.path.insert(0, {root!r})
from dashboards.views import economie
economie.render()
"""


def test_the_page_shows_the_mart_with_its_base(demo_run, demo_warehouse, monkeypatch):
    settings, result = demo_run
    assert result.success
    monkeypatch.setenv("OBSERVATOIRE_CONFIG", str(settings.config_path))
    epci = demo_warehouse.execute(
        "select territory_code from marts.fct_economic_model_territory where is_latest_wave and territory_level = "
        "'epci' order by n_places_revenue desc, territory_code limit 1").fetchone()[0]
    row = mart(demo_warehouse, demo_warehouse.execute(
        "select max(wave_year) from marts.fct_economic_model_territory").fetchone()[0], "epci", epci)
    at = AppTest.from_string(PAGE.format(root=str(PROJECT_ROOT)), default_timeout=60)
    at.query_params["niveau"] = "epci"
    at.query_params["code"] = epci
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    metrics = {m.label: m.value for m in at.metric}
    amount = f"{row['revenue_eur_sum']:,.0f}".replace(",", "\u202f") + " €"
    assert metrics["Chiffre d'affaires cumulé"] == amount
    assert metrics["Emplois salariés (ETP)"] == f"{row['staff_fte_sum']:.1f}".replace(".", ",")
    year = row["wave_year"]
    n = row["n_places_revenue"]
    captions = [c.value for c in at.caption]
    assert f"sur {n} lieu{'x' if n > 1 else ''} ayant répondu, enquête {year}" in captions
    assert any("données fictives" in w.value for w in at.warning)
