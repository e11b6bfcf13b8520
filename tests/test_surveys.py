"""Survey schema, template, importer and matching, on files written here (openpyxl / csv).

The files imitate what the observatory receives: a filled XLSX template, a Google Forms export (question
texts as headers, ``Horodateur`` giving the wave), a LimeSurvey export (question codes), with free-text
numbers ("env. 30", "30-40"), units ("120 m2", "1,5 ETP", "45 000 €"), blanks, duplicates in one wave and
a place answering twice. Every row must be loaded or quarantined, the report must name the row and the
field in French, and the real pipeline (Dagster job + dbt build on the demo territory) must match each
answer to the expected place.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import duckdb
import openpyxl
import pytest

from ingest.demo import layout
from ingest.fetch import fetch
from ingest.surveys import importer, template
from ingest.surveys.schema import BY_CODE, FIELDS, markdown
from ingest.surveys.validate import ERROR, WARNING, clean_column, clean_value, validate_row, validate_rows

# ------------------------------------------------------------------------------------------------
# Values typed by the places
# ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("code,typed,retained,severity", [
    ("visiteurs_semaine", "env. 30", "30", WARNING),
    ("visiteurs_semaine", "environ 30", "30", WARNING),
    ("visiteurs_semaine", "30-40", "35", WARNING),
    ("visiteurs_semaine", "entre 30 et 40", "35", WARNING),
    ("postes_travail", "3-4", "4", WARNING),             # midpoint 3.5 of an integer field: rounded
    ("surface_m2", "120 m2", "120", WARNING),
    ("surface_m2", "120 m²", "120", WARNING),
    ("etp", "1,5 ETP", "1.5", WARNING),
    ("chiffre_affaires_eur", "45 000 €", "45000", WARNING),
    ("chiffre_affaires_eur", "45 k€", "45000", WARNING),
    ("chiffre_affaires_eur", "45000", "45000", None),
    ("chiffre_affaires_eur", "45.000", "45000", None),   # thousands separated by a point
    ("etp", "2.4", "2.4", None),
    ("adherents", "NC", None, WARNING),
    ("adherents", "", None, None),
    ("adherents", "beaucoup", None, ERROR),
    ("surface_m2", "120 €", None, ERROR),                # another unit than the expected one
    ("part_region_pct", "130", None, ERROR),             # out of range
    ("code_commune", "1053", "01053", WARNING),          # leading zero lost by a spreadsheet
    ("code_commune", "2A004", "2A004", None),
    ("code_commune", "", None, ERROR),                   # required
    ("statut_juridique", "Asso", "association", None),
    ("statut_juridique", "fondation", "autre", WARNING),
    ("services", "France Services, médiation numérique", "France Services;médiation numérique", None),
    ("statut_lieu", "Ouvert", "ouvert", None),
    ("statut_lieu", "en cours de création", "en projet", None),
    ("statut_lieu", "Projet", "en projet", None),
    ("statut_lieu", "Fermé définitivement", "fermé", None),
    ("statut_lieu", "fermee", "fermé", None),
    ("statut_lieu", "bientôt", None, WARNING),            # no "autre" among the statuses: left blank
])
def test_clean_value(code, typed, retained, severity):
    value, findings = clean_value(BY_CODE[code], typed)
    assert value == retained
    assert [f.severity for f in findings] == ([severity] if severity else [])
    for f in findings:
        assert f.problem and f.action   # French explanation and what was done


@pytest.mark.parametrize("status,opened,findings", [
    ("en projet", "2020", [("statut_lieu", WARNING)]),    # a project opened in the past? kept, to check
    ("en projet", "2026", []),                            # a project's planned opening year: no quarantine
    ("ouvert", "2026", [("annee_ouverture", ERROR)]),     # an open place cannot open after the wave
    ("fermé", "2020", []),
])
def test_status_and_opening_year_coherence(status, opened, findings):
    values, found = validate_row({"annee": "2025", "nom_lieu": "Le Lieu", "code_commune": "96001",
                                  "statut_lieu": status, "annee_ouverture": opened})
    assert [(f.field, f.severity) for f in found] == findings
    assert values["statut_lieu"] == status
    for f in found:
        assert f.problem and f.action


def test_no_blank_spelling_has_a_digit():
    """clean_value does not normalise a text with a digit to look it up among the blanks."""
    from ingest.surveys.validate import BLANKS, DIGIT, norm

    assert not any(DIGIT.search(b) for b in BLANKS)
    assert all(DIGIT.search(norm(t)) for t in ("12", " 1 ", "1²", "n°3", "1 234 €", "١2", "２3"))


def test_answers_validated_together_as_one_by_one():
    """validate_rows (a column's distinct values cleaned once) gives what validate_row gives for each
    answer, and clean_column what clean_value gives for each value, whatever its type."""
    typed = ["env. 30", "30-40", "120 m2", "NC", "", None, "beaucoup", "120 €", "45 k€", "1053", "Asso", " 12 ",
             "fondation", "France Services, médiation numérique", "2031", "en projet", "12,5", "1,5 ETP", "-5"]
    rows = []
    for i in range(60):
        values = {f.code: typed[(i * 7 + j * 3) % len(typed)] for j, f in enumerate(FIELDS)}
        values |= {"annee": "2025", "nom_lieu": f"Lieu {i % 5}", "code_commune": "96001"}
        rows.append(values)
    rows.append({"annee": "2025", "nom_lieu": "Lieu", "code_commune": "96001", "part_etat_pct": "60",
                 "part_region_pct": "50", "recettes_location_eur": "900", "chiffre_affaires_eur": "100"})
    assert validate_rows(rows) == [validate_row(values) for values in rows]
    column = [12, 12.0, "12", True, None, "12", 3.5, "env. 30"]
    retained, findings = clean_column(BY_CODE["visiteurs_semaine"], column)
    assert retained == [clean_value(BY_CODE["visiteurs_semaine"], v)[0] for v in column]
    assert findings == {i: found for i, v in enumerate(column) if (found := clean_value(BY_CODE["visiteurs_semaine"], v)[1])}


def test_schema_doc_and_template(tmp_path):
    doc = markdown()
    for f in FIELDS:
        assert f"`{f.code}`" in doc and f.label in doc
    assert "Part de financement : Europe" in doc and "France Services" in doc
    out = template.build(tmp_path / "modele.xlsx")
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Lieux", "Lisez-moi", "Listes"]
    ws = wb["Lieux"]
    headers = [c.value for c in ws[1]]
    assert headers == [template.header(f) for f in FIELDS]
    lists = [dv for dv in ws.data_validations.dataValidation if dv.type == "list"]
    statut = headers.index(template.header(BY_CODE["statut_juridique"])) + 1
    col = openpyxl.utils.get_column_letter(statut)
    dv = next(dv for dv in lists if any(str(r).startswith(col + "2") for r in dv.sqref.ranges))
    ref = dv.formula1.split("!")[1].replace("$", "")
    values = [c.value for row in wb["Listes"][ref] for c in row]
    assert values == list(BY_CODE["statut_juridique"].choices)
    assert wb["Lisez-moi"]["A1"].value.startswith("Enquête annuelle")


# ------------------------------------------------------------------------------------------------
# Files written by the tests
# ------------------------------------------------------------------------------------------------

def _inventory(mirror: Path) -> list[dict]:
    with (mirror / layout.INV).open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _demo_sirets(mirror: Path) -> dict[str, str]:
    """identifiant_lieu -> SIRET of the demo survey answers."""
    out = {}
    for path in (mirror / rel for rel in layout.SURVEYS.values()):
        with path.open(encoding="utf-8-sig", newline="") as fh:
            for r in csv.DictReader(fh, delimiter=";"):
                if r["siret"]:
                    out[r["identifiant_lieu"]] = r["siret"]
    return out


def pick_places(mirror: Path) -> dict:
    inv = [r for r in _inventory(mirror) if r["INSEECOM"] not in ("0", "")]
    sirets = _demo_sirets(mirror)
    by_commune: dict[str, list] = {}
    for r in inv:
        by_commune.setdefault(r["INSEECOM"], []).append(r)
    alone = [r for r in inv if len(by_commune[r["INSEECOM"]]) == 1]
    a = next(r for r in alone if f"TL2019-{r['ID']}" in sirets)            # matched by SIRET
    b = next(r for r in alone if r is not a and r["INSEECOM"] != a["INSEECOM"])   # matched by name
    return {"siret": a, "siret_value": sirets[f"TL2019-{a['ID']}"], "name": b,
            "local_commune": b["INSEECOM"]}


def write_template(path: Path, places: dict) -> dict[int, str]:
    """A filled template (wave 2026, from the file name for one row). Returns {sheet line: what}."""
    template.build(path, n_rows=50)
    wb = openpyxl.load_workbook(path)
    ws = wb["Lieux"]
    col = {f.code: i + 1 for i, f in enumerate(FIELDS)}
    b = places["name"]
    rows = {
        2: ("name_match", {"annee": 2026, "nom_lieu": b["NOM_TL"].upper(), "code_commune": b["INSEECOM"],
                           "latitude": b["LAT"], "longitude": b["LONG"], "surface_m2": "120 m2",
                           "postes_travail": 12, "visiteurs_semaine": "env. 30", "etp": "1,5 ETP",
                           "chiffre_affaires_eur": "45 000 €", "statut_juridique": "Asso",
                           "part_etat_pct": 10, "part_region_pct": 20, "adherents": "NC"}),
        3: ("exact_duplicate", None),   # filled below: same as line 2
        4: ("local_2026", {"nom_lieu": "Le Quai Zéphyrin", "code_commune": places["local_commune"],
                           "type_lieu": "atelier partagé", "visiteurs_semaine": 12, "postes_travail": 4,
                           "surface_m2": 80}),                       # no year: from the file name
        5: ("too_many_desks", {"annee": 2026, "nom_lieu": "Bureaux Serrés", "code_commune": b["INSEECOM"],
                               "surface_m2": 40, "postes_travail": 25}),
        6: ("funding_over_100", {"annee": 2026, "nom_lieu": "Lieu Trop Financé", "code_commune": b["INSEECOM"],
                                 "part_etat_pct": 60, "part_region_pct": 50}),
        7: ("no_name", {"annee": 2026, "nom_lieu": None, "code_commune": b["INSEECOM"], "visiteurs_semaine": 5}),
        8: ("wrong_unit", {"annee": 2026, "nom_lieu": "Surface en Euros", "code_commune": b["INSEECOM"],
                           "surface_m2": "120 €"}),
    }
    for line, (_, values) in rows.items():
        values = values or rows[2][1]
        for code, v in values.items():
            ws.cell(row=line, column=col[code], value=v)
    wb.save(path)
    return {line: what for line, (what, _) in rows.items()}


def write_google_forms(path: Path, places: dict) -> None:
    """A Google Forms export (question texts, comma, Horodateur): the local place of the template
    answers again in 2027, twice (the later answer is kept)."""
    header = ["Horodateur", "Nom de votre tiers-lieu", "Code INSEE de la commune", "Numéro SIRET",
              "Nombre de visiteurs par semaine", "Surface totale du lieu (m2)", "Nombre de postes de travail",
              "Quels services proposez-vous ?", "Une question ajoutée par erreur"]
    c = places["local_commune"]
    rows = [
        ["2027/03/14 10:22:11 UTC+1", "Le Quai Zéphyrin", c, "", "env. 30", "80", "4", "médiation numérique", "x"],
        ["2027/03/20 09:00:00 UTC+1", "LE QUAI ZEPHYRIN", c, "", "30-40", "80 m²", "4",
         "France Services, médiation numérique", ""],
        ["2027/03/21 09:00:00 UTC+1", "", "", "", "", "", "", "", ""],   # an empty answer: no name, no commune
    ]
    buf = io.StringIO(newline="")
    csv.writer(buf, lineterminator="\r\n").writerows([header, *rows])
    path.write_text(buf.getvalue(), encoding="utf-8")


def write_limesurvey(path: Path, places: dict) -> None:
    """A LimeSurvey export (question codes, ';'): the SIRET place answers under another name."""
    a = places["siret"]
    header = ["id", "submitdate", "lastpage", "startlanguage", "seed", "ANNEE", "NOMLIEU", "CODEINSEE", "SIRET",
              "SURFACE", "POSTES", "VISITEURS"]
    rows = [["1", "2026-04-02 11:00:00", "3", "fr", "123", "2026", "Espace Partagé Zorglub", a["INSEECOM"],
             places["siret_value"], "300", "20", "plus de 50"]]
    buf = io.StringIO(newline="")
    csv.writer(buf, delimiter=";", lineterminator="\n").writerows([header, *rows])
    path.write_text(buf.getvalue(), encoding="cp1252")


@pytest.fixture(scope="module")
def survey_files(tmp_path_factory, demo_mirror):
    folder = tmp_path_factory.mktemp("inbox")
    places = pick_places(demo_mirror[0])
    lines = write_template(folder / "enquete_2026.xlsx", places)
    write_google_forms(folder / "reponses_formulaire.csv", places)
    write_limesurvey(folder / "results-survey123.csv", places)
    return folder, places, lines


def test_importer_accounts_for_every_row_and_reports_in_french(tmp_path, survey_files):
    folder, places, lines = survey_files
    con = duckdb.connect()
    files = sorted(folder.iterdir())
    snaps = [fetch("surveys", str(p), tmp_path / "snapshots") for p in files]
    result = importer.load(con, snaps)
    written = {"enquete_2026.xlsx": 7, "reponses_formulaire.csv": 3, "results-survey123.csv": 1}
    manifest = {r[0]: r[1:] for r in con.execute(
        "select file, rows_read, rows_loaded, rows_rejected from raw._manifest where source = 'surveys'").fetchall()}
    for name, n in written.items():
        read, loaded, rejected = manifest[name]
        assert read == n == loaded + rejected, name
    assert result.rows_read == sum(written.values())
    assert con.execute("select count(*) from raw.surveys").fetchone()[0] == result.rows_loaded
    assert con.execute("select count(*) from raw.surveys_rejects").fetchone()[0] == result.rows_rejected

    loaded = {(r[0], r[1]): r[2:] for r in con.execute(
        "select _file, _line, annee, nom_lieu, visiteurs_semaine, surface_m2, etp, chiffre_affaires_eur, "
        "part_financement_public_pct, services from raw.surveys").fetchall()}
    b = places["name"]
    assert loaded[("enquete_2026.xlsx", 2)] == ("2026", b["NOM_TL"].upper(), "30", "120", "1.5", "45000", "30", None)
    assert loaded[("enquete_2026.xlsx", 4)][:2] == ("2026", "Le Quai Zéphyrin")   # wave from the file name
    assert loaded[("reponses_formulaire.csv", 3)][:5] == ("2027", "LE QUAI ZEPHYRIN", "35", "80", None)
    assert loaded[("reponses_formulaire.csv", 3)][7] == "France Services;médiation numérique"
    assert loaded[("results-survey123.csv", 2)][:3] == ("2026", "Espace Partagé Zorglub", "50")
    rejected = {(r[0], r[1]): r[2] for r in con.execute("select _file, _line, reason from raw.surveys_rejects").fetchall()}
    assert set(rejected) == {("enquete_2026.xlsx", 3), ("enquete_2026.xlsx", 5), ("enquete_2026.xlsx", 6),
                             ("enquete_2026.xlsx", 7), ("enquete_2026.xlsx", 8), ("reponses_formulaire.csv", 2),
                             ("reponses_formulaire.csv", 4)}
    assert "doublon" in rejected[("enquete_2026.xlsx", 3)] and "ligne 2" in rejected[("enquete_2026.xlsx", 3)]
    assert "Postes de travail" in rejected[("enquete_2026.xlsx", 5)]
    assert "100 %" in rejected[("enquete_2026.xlsx", 6)]
    assert "Nom du lieu : valeur obligatoire manquante" in rejected[("enquete_2026.xlsx", 7)]
    assert "Surface" in rejected[("enquete_2026.xlsx", 8)] and "unité" in rejected[("enquete_2026.xlsx", 8)]
    assert "remplacée par la réponse plus récente de reponses_formulaire.csv, ligne 3" in \
        rejected[("reponses_formulaire.csv", 2)]
    for key, reason in rejected.items():
        assert reason.startswith(f"{key[0]}, ligne {key[1]} : ")

    report = con.execute("select fichier, ligne, champ, colonne, valeur, valeur_retenue, probleme, action, gravite "
                         "from raw.surveys_report").fetchall()
    def find(file, line, champ):
        return [r for r in report if r[0] == file and r[1] == line and r[2] == champ]
    assert find("enquete_2026.xlsx", 2, "Visiteurs par semaine")[0][4:7] == ("env. 30", "30", "valeur approximative")
    assert find("enquete_2026.xlsx", 2, "Surface")[0][5] == "120"
    assert find("enquete_2026.xlsx", 2, "Salariés")[0][4:6] == ("1,5 ETP", "1.5")
    assert find("enquete_2026.xlsx", 2, "Adhérents ou membres")[0][6:] == ("valeur non communiquée", "laissée vide",
                                                                             WARNING)
    assert find("enquete_2026.xlsx", 2, "Part de financement public")[0][5] == "30"   # sum of the funders' shares
    assert find("reponses_formulaire.csv", 3, "Visiteurs par semaine")[0][3:6] == (
        "Nombre de visiteurs par semaine", "30-40", "35")
    assert find("reponses_formulaire.csv", 4, "Nom du lieu")[0][8] == ERROR
    assert find("reponses_formulaire.csv", 1, "en-tête")[0][3] == "Une question ajoutée par erreur"
    assert find("enquete_2026.xlsx", 8, "Surface")[0][8] == ERROR
    # every quarantined row has at least one "erreur" line in the report, every kept row none
    errors = {(r[0], r[1]) for r in report if r[8] == ERROR and r[1] > 1}
    assert errors == set(rejected)


def test_unknown_layout_is_a_clear_french_error(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("Question 1;Question 2\nA;B\n", encoding="utf-8")
    con = duckdb.connect()
    with pytest.raises(Exception) as exc:
        importer.load(con, [fetch("surveys", str(path), tmp_path / "snap")])
    msg = str(exc.value)
    assert "export.csv" in msg and "« Nom du lieu »" in msg and "config/survey_mappings" in msg


# ------------------------------------------------------------------------------------------------
# The real pipeline: Dagster job, dbt build, matching
# ------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def survey_warehouse(tmp_path_factory, demo_run, demo_mirror, survey_files):
    """The survey files dropped in the inbox of a copy of the demo's publication, refreshed by the job
    their sensor requests (refresh_surveys)."""
    from ingest.config import load_settings
    from orchestration.run import refresh
    from orchestration.schedules import SURVEY_JOB
    from tests.conftest import seeded_config

    folder, places, _ = survey_files
    tmp = tmp_path_factory.mktemp("survey_pipeline")
    cfg = seeded_config(tmp, demo_mirror[0], demo_run[0].published_path, extra=f'[inbox]\npath = "{folder}"\n')
    result = refresh(str(cfg), job_name=SURVEY_JOB)
    assert result.success, [e.message for e in result.all_events if e.is_step_failure]
    settings = load_settings(cfg)
    con = duckdb.connect(str(settings.published_path), read_only=True)
    yield con, settings, places
    con.close()


def test_pipeline_matches_answers_to_the_expected_places(survey_warehouse):
    con, settings, places = survey_warehouse
    a, b = places["siret"], places["name"]
    m = {(r[0], r[1]): r[2:] for r in con.execute(
        "select _file, _line, place_id, match_method, match_score, survey_place_key "
        "from intermediate.int_survey_matches where _file in ('enquete_2026.xlsx', 'reponses_formulaire.csv', "
        "'results-survey123.csv')").fetchall()}
    # name within the commune, coordinates within 1 km: 0.85 + 0.10
    assert m[("enquete_2026.xlsx", 2)][:3] == (f"TL2019-{b['ID']}", "nom_commune", pytest.approx(0.95))
    # another name, the SIRET known from the place's demo answers (matched by identifier)
    assert m[("results-survey123.csv", 2)][:3] == (f"TL2019-{a['ID']}", "siret", pytest.approx(0.95))
    # the local place: unmatched in both waves, one key across waves
    local_2026, local_2027 = m[("enquete_2026.xlsx", 4)], m[("reponses_formulaire.csv", 3)]
    assert local_2026[:3] == (None, "non_rapproche", None) and local_2027[:2] == (None, "non_rapproche")
    assert local_2026[3] == local_2027[3] and local_2026[3].startswith("LOCAL-")
    place = con.execute("select place_family, source_name, placement_method, commune_code, declared_type, "
                        "place_category from marts.dim_place where place_id = ?", [local_2026[3]]).fetchall()
    assert place == [("tiers_lieu_local", "surveys", "enquete", places["local_commune"], "atelier partagé",
                      "atelier_partage")]
    att = con.execute("select wave_year, visitors_per_week, place_id from marts.fct_attendance_place "
                      "where place_key = ? order by 1", [local_2026[3]]).fetchall()
    assert att == [(2026, 12, None), (2027, 35, None)]
    # waves side by side
    waves = [r[0] for r in con.execute("select wave_year from marts.fct_attendance_wave order by 1").fetchall()]
    assert waves == [2024, 2025, 2026, 2027]
    # the per-file reports for the places
    folder = settings.warehouse_dir / "reports" / "enquetes"
    with (folder / "rapport_enquete_2026.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter=";"))
    assert {"Ligne", "Champ", "Valeur saisie", "Problème", "Action"} <= set(rows[0])
    assert any(r["Ligne"] == "5" and r["Champ"] == "Postes de travail" and r["Gravité"] == ERROR for r in rows)
    wb = openpyxl.load_workbook(folder / "rapport_reponses_formulaire.xlsx")
    assert wb.active["E1"].value == "Champ"


def test_committed_schema_doc_is_up_to_date():
    from ingest.config import PROJECT_ROOT

    doc = PROJECT_ROOT / "docs" / "enquete_schema.md"
    assert doc.read_text(encoding="utf-8") == markdown(), "run `make template` to regenerate docs/enquete_schema.md"


def test_two_places_with_one_name_in_one_commune_are_two_answers(tmp_path):
    path = tmp_path / "enquete_2026.csv"
    path.write_text("annee;identifiant_lieu;nom_lieu;code_commune;visiteurs_semaine\n"
                    "2026;TL2019-1;Espace de coworking;96001;10\n"
                    "2026;TL2019-2;Espace de coworking;96001;20\n"      # another place (another identifier)
                    "2026;;Espace de coworking;96001;30\n"              # no identifier: same name -> replaces line 3
                    "2026;TL2019-1;Espace de coworking;96001;10\n",     # identical to line 2
                    encoding="utf-8")
    con = duckdb.connect()
    result = importer.load(con, [fetch("surveys", str(path), tmp_path / "snap")])
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (4, 2, 2)
    assert sorted(con.execute("select _line from raw.surveys").fetchall()) == [(2,), (4,)]
    reasons = dict(con.execute("select _line, reason from raw.surveys_rejects").fetchall())
    assert "remplacée par la réponse plus récente de enquete_2026.csv, ligne 4" in reasons[3]
    assert "réponse identique à celle de enquete_2026.csv, ligne 2" in reasons[5]


def test_reports_are_rewritten_only_when_their_content_changes(tmp_path):
    """Every refresh reloads every wave: an unchanged report is not written again (its XLSX costs
    about 1 s per 5,000 rows), a changed one is, and a deleted file is written back."""
    row = {"fichier": "enquete_2025.csv", "ligne": 2, "vague": "2025", "lieu": "Lieu Un", "champ": "Surface",
           "colonne": "surface_m2", "valeur": "120 m2", "valeur_retenue": "120", "probleme": "unité retirée",
           "action": "valeur corrigée", "gravite": WARNING}
    other = {**row, "fichier": "enquete_2026.csv", "vague": "2026"}
    folder = tmp_path / "rapports"
    importer.write_reports(folder, [row, other], ["enquete_2025.csv", "enquete_2026.csv"])
    xlsx_2025, xlsx_2026 = folder / "rapport_enquete_2025.xlsx", folder / "rapport_enquete_2026.xlsx"
    first = {p: p.stat().st_mtime_ns for p in (xlsx_2025, xlsx_2026)}
    sheet = openpyxl.load_workbook(xlsx_2026).active
    assert [c.value for c in sheet[1]][:3] == ["Fichier", "Ligne", "Vague"] and sheet["A1"].font.b
    assert [c.value for c in sheet[2]][8] == "unité retirée" and sheet.freeze_panes == "A2"

    changed = {**other, "valeur": "130 m2", "valeur_retenue": "130"}
    importer.write_reports(folder, [row, changed], ["enquete_2025.csv", "enquete_2026.csv"])
    assert xlsx_2025.stat().st_mtime_ns == first[xlsx_2025]            # unchanged: kept as it was
    assert xlsx_2026.stat().st_mtime_ns != first[xlsx_2026]            # changed: written again
    assert openpyxl.load_workbook(xlsx_2026).active["G2"].value == "130 m2"
    with (folder / "rapport_enquete_2026.csv").open(encoding="utf-8-sig", newline="") as fh:
        assert list(csv.reader(fh, delimiter=";"))[1][6] == "130 m2"

    xlsx_2025.unlink()
    importer.write_reports(folder, [row, changed], ["enquete_2025.csv", "enquete_2026.csv"])
    assert openpyxl.load_workbook(xlsx_2025).active["I2"].value == "unité retirée"
