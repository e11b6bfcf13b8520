"""Survey answers in the layouts the form tools really export, and damaged answer files, loaded through
fetch -> snapshot -> ingest.sources.load (which hands the source to its loader, ingest.surveys.importer):

- Framaforms runs Drupal 7 Webform (its results download page is node/<id>/webform-results/download:
  github.com/velovolenantes/framaforms-json-exporter, lib/browse-export.ts, commit 5f5934ff09b3d3e1ef6edb903dfbe7e7ca7200ad).
  Webform 7.x-4 writes THREE header lines: the form's title, « Submission Details » (over the question of a
  multi-choice exported one column per option), then the column names; the submission columns are Serial,
  SID, Time, Draft, IP Address, UID, Username (github.com/drupalprojects/webform, includes/webform.report.inc,
  commit 10462452737aeeaa64987ec20c90d7f870c2cb04: webform_results_download_headers,
  webform_webform_results_download_submission_information_info; select_format « separate » by default). A
  multi-choice question is one column per option holding "X" (« separate ») or one column "a,b" (« compact »)
  (components/select.inc, commit 6fd7f97ea1492ba3355062a12fd3ba2f48035e72: _webform_csv_headers_select,
  _webform_csv_data_select); every cell is quoted (includes/exporters/webform_exporter_delimited.inc, commit
  2a799e22cffc80f1067a05dc7246b7a4ce57762b). Framaforms is in French: « Adresse IP », « Brouillon »...
- LimeSurvey « Exporter les réponses », question codes: id, submitdate, lastpage, startlanguage, seed,
  startdate, datestamp, then one column per code (Q20[SQ001] for a sub-question). The export holds every
  response by default, the unfinished ones with an empty submitdate (RemoteControl export_responses:
  sCompletionStatus « defaults to 'all' », https://rdrr.io/github/mbonoli/funcionesMBO/src/R/ls_get_responses.R).
- Google Forms in French: "Horodateur","Adresse e-mail", then one column per question text (a French export's
  header quoted in a public Dash app, stored file id 18880016611 of the code index); multi-choice answers
  joined by ", ".

Before this file's fixes: the Framaforms export was refused whole (its title line read as the header), its
« Adresse IP » column loaded as the place's address (and the real « Adresse complète » ignored as a second
address), Google Forms' « Adresse e-mail » loaded as the address, an unfinished LimeSurvey answer and a
Webform draft loaded as answers, a row with empty cells after the last column (a spreadsheet's trailing
« ; ») quarantined, a cut CSV named by its archived copy deep in the snapshot folder, a cut XLSX refused with
the English « File is not a zip file », an .xls 97-2003 read as text, and a file of another year renamed
for this year loaded as this year's wave.
"""

from __future__ import annotations

import io
from pathlib import Path

import duckdb
import openpyxl
import pytest

from ingest.errors import ContractError
from ingest.fetch import fetch
from ingest.sources import load as load_source


def load(tmp_path: Path, files: dict[str, bytes | str]):
    con = duckdb.connect()
    snaps = []
    for name, content in files.items():
        f = tmp_path / name
        f.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        snaps.append(fetch("surveys", str(f), tmp_path / "snapshots"))
    res = load_source(con, "surveys", snaps)
    assert res.rows_read == res.rows_loaded + res.rows_rejected
    return con, res


def quoted(*rows: list[str], sep: str = ",") -> str:
    return "".join(sep.join('"' + c.replace('"', '""') + '"' for c in row) + "\n" for row in rows)


def loaded(con, *columns: str) -> dict[int, tuple]:
    return {r[0]: r[1:] for r in con.execute(f"select _line, {', '.join(columns)} from raw.surveys").fetchall()}


def rejected(con) -> dict[int, str]:
    return dict(con.execute("select _line, reason from raw.surveys_rejects").fetchall())


def report(con, line: int) -> list[tuple]:
    return con.execute("select champ, colonne, valeur, valeur_retenue, probleme, gravite from raw.surveys_report "
                       "where ligne = ? order by all", [line]).fetchall()


# ------------------------------------------------------------------------------------------------ Framaforms
SUBMISSION = ["Serial", "SID", "Time", "Draft", "IP Address", "UID", "Username"]


def framaforms(rows: list[list[str]], *, french: bool = False) -> str:
    sub = (["Numéro de série", "SID", "Heure", "Brouillon", "Adresse IP", "UID", "Nom d'utilisateur"] if french
           else SUBMISSION)
    questions = ["Nom de la structure ou du lieu", "Adresse complète", "Code INSEE de votre commune"]
    options = ["France Services", "Médiation numérique", "Espace public numérique"]
    title = ["Enquête annuelle des tiers-lieux 2025"] + [""] * (len(sub) + len(questions) + len(options))
    details = ["Submission Details"] + [""] * (len(sub) - 1 + len(questions)) + ["Services au public proposés", "",
                                                                                 "", ""]
    names = sub + questions + options + ["Visiteurs hebdomadaires"]
    return quoted(title, details, names, *rows)


def test_framaforms_webform_export_three_header_lines_options_and_drafts(tmp_path):
    rows = [["1", "101", "14/03/2025 - 10:22", "0", "192.0.2.1", "0", "Anonyme", "La Ruche", "3 rue Haute", "01053",
             "X", "", "X", "env. 30"],
            ["2", "102", "15/03/2025 - 11:00", "1", "192.0.2.2", "0", "Anonyme", "Le Hangar", "", "01004", "", "X", "",
             "12"],                                                                 # a draft, never sent
            ["3", "103", "05/01/2026 - 09:00", "0", "192.0.2.3", "0", "Anonyme", "La Forge", "", "2A004", "", "", "",
             "8"]]                                                                  # a late answer, next January
    con, res = load(tmp_path, {"enquete-annuelle-des-tiers-lieux-2025.csv": framaforms(rows)})
    assert (res.rows_read, res.rows_loaded, res.rows_rejected) == (3, 2, 1)
    got = loaded(con, "annee", "nom_lieu", "adresse", "code_commune", "services", "visiteurs_semaine")
    assert got == {4: ("2025", "La Ruche", "3 rue Haute", "01053", "France Services;espace public numérique", "30"),
                   6: ("2025", "La Forge", None, "2A004", None, "8")}
    assert "brouillon non envoyé" in rejected(con)[5]
    header = report(con, 3)
    assert any("ligne(s) de titre" in r[4] for r in header)
    assert any(r[0] == "Services proposés" and "une colonne par option" in r[4] for r in header)
    assert not any(r[4] == "colonne non reconnue" for r in header)
    late = [r for r in report(con, 6) if r[0] == "Année de l'enquête"]
    assert late == [("Année de l'enquête", "", "05/01/2026 - 09:00", "2025",
                     "réponse envoyée en 2026, rattachée à la vague 2025 du nom du fichier", "avertissement")]


def test_framaforms_french_columns_adresse_ip_is_not_the_address(tmp_path):
    rows = [["1", "101", "14/03/2025 - 10:22", "0", "192.0.2.1", "0", "Anonyme", "La Ruche", "3 rue Haute", "01053",
             "", "", "", "30"]]
    con, res = load(tmp_path, {"enquete_2025.csv": framaforms(rows, french=True)})
    assert res.rows_loaded == 1
    assert loaded(con, "adresse", "services") == {4: ("3 rue Haute", None)}
    assert not any(r[0] == "Adresse" for r in report(con, 3))   # no « second address » left aside


def test_framaforms_compact_multi_choice_in_one_column(tmp_path):
    names = SUBMISSION + ["Nom de la structure ou du lieu", "Code INSEE de votre commune", "Services au public proposés"]
    title = ["Enquête 2025"] + [""] * (len(names) - 1)
    details = ["Submission Details"] + [""] * (len(names) - 1)
    row = ["1", "101", "14/03/2025 - 10:22", "0", "192.0.2.1", "0", "Anonyme", "La Ruche", "01053",
           "France Services,Médiation numérique"]
    con, _ = load(tmp_path, {"enquete_2025.csv": quoted(title, details, names, row)})
    assert loaded(con, "services") == {4: ("France Services;médiation numérique",)}


# ------------------------------------------------------------------------------------------------ LimeSurvey
def test_limesurvey_unfinished_answers_are_quarantined(tmp_path):
    header = ["id", "submitdate", "lastpage", "startlanguage", "seed", "startdate", "datestamp", "ANNEE", "NOMLIEU",
              "CODEINSEE", "PMR", "Q20[SQ001]", "Q20[SQ002]", "VISITEURS"]
    rows = [["1", "2025-04-02 11:00:00", "3", "fr", "1234", "2025-04-02 10:40:00", "2025-04-02 11:00:00", "2025",
             "Espace A", "01053", "Oui", "30 %", "20,5", "1 234"],
            ["2", "", "1", "fr", "5678", "2025-04-03 10:40:00", "2025-04-03 10:41:00", "2025", "Espace B", "01053",
             "", "", "", ""]]
    con, res = load(tmp_path, {"results-survey654321.csv": "\ufeff" + quoted(header, *rows)})
    assert (res.rows_loaded, res.rows_rejected) == (1, 1)
    assert loaded(con, "nom_lieu", "accessibilite_pmr", "part_etat_pct", "part_region_pct", "visiteurs_semaine") == {
        2: ("Espace A", "oui", "30", "20.5", "1234")}
    assert "réponse non terminée : la colonne « submitdate » est vide" in rejected(con)[3]


# ------------------------------------------------------------------------------------------------ Google Forms
def test_google_forms_email_address_is_not_the_place_address(tmp_path):
    header = ["Horodateur", "Adresse e-mail", "Nom de votre tiers-lieu", "Adresse du lieu", "Code INSEE de la commune",
              "Quels services proposez-vous ?"]
    row = ["14/03/2025 10:22:11", "contact@laruche.fr", "La Ruche", "3 rue Haute", "01053",
           "France Services, médiation numérique"]
    con, res = load(tmp_path, {"Enquête tiers-lieux (réponses).csv": quoted(header, row)})
    assert res.rows_loaded == 1
    assert loaded(con, "annee", "adresse", "services") == {2: ("2025", "3 rue Haute",
                                                               "France Services;médiation numérique")}
    assert not any(r[0] == "Adresse" for r in report(con, 1))


def test_a_question_matched_by_its_first_words_is_said_in_the_report(tmp_path):
    header = ["Horodateur", "Nom de votre tiers-lieu", "Code INSEE de la commune", "Surface du jardin partagé"]
    con, _ = load(tmp_path, {"reponses_2025.csv": quoted(header, ["14/03/2025 10:22:11", "La Ruche", "01053", "300"])})
    assert any(r[0] == "Surface" and r[1] == "Surface du jardin partagé" and "rapproché" in r[4]
               for r in report(con, 1))


# ------------------------------------------------------------------------------------------------ damaged files
def test_empty_cells_after_the_last_column_are_not_a_wrong_width(tmp_path):
    con, res = load(tmp_path, {"enquete_2025.csv": "annee;nom_lieu;code_commune;visiteurs_semaine\r\n"
                                                  "2025;La Ruche;01053;10;;\r\n2025;Le Hangar;01004;12\r\n"})
    assert (res.rows_loaded, res.rows_rejected) == (2, 0)
    assert loaded(con, "visiteurs_semaine") == {2: ("10",), 3: ("12",)}


def test_a_cut_csv_is_refused_whole_named_as_dropped(tmp_path):
    with pytest.raises(ContractError) as exc:
        load(tmp_path, {"enquete_2025.csv": "annee;nom_lieu;code_commune\n2025;La Ruche;01053\n2025;Le Ha"})
    assert exc.value.location == str(tmp_path / "enquete_2025.csv")
    assert "tronqué" in exc.value.reason


def test_a_cut_or_binary_workbook_is_refused_in_french(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.append(["annee", "nom_lieu", "code_commune"])
    wb.active.append([2025, "La Ruche", "01053"])
    buf = io.BytesIO()
    wb.save(buf)
    with pytest.raises(ContractError) as exc:
        load(tmp_path, {"enquete_2025.xlsx": buf.getvalue()[:len(buf.getvalue()) // 2]})
    assert "abîmé ou tronqué" in exc.value.reason and "zip" not in exc.value.reason.split("(détail")[0]
    with pytest.raises(ContractError) as exc:
        load(tmp_path, {"enquete_2024.xls": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600})
    assert "Excel 97-2003" in exc.value.reason and exc.value.location.endswith("enquete_2024.xls")


def test_a_file_of_another_year_renamed_for_this_wave_is_refused(tmp_path):
    header = ["Horodateur", "Nom de votre tiers-lieu", "Code INSEE de la commune"]
    rows = [["2024/03/14 10:22:11 UTC+1", "La Ruche", "01053"], ["2024/03/20 09:00:00 UTC+1", "Le Hangar", "01004"]]
    with pytest.raises(ContractError) as exc:
        load(tmp_path, {"enquete_2026.csv": quoted(header, *rows)})
    assert "vague 2026" in exc.value.reason and "2024" in exc.value.reason


def test_the_same_file_dropped_twice_and_the_blank_template(tmp_path):
    """Last year's file dropped again under another name: every answer is a duplicate of the first copy;
    the blank questionnaire (header only) holds no answer."""
    text = "annee;nom_lieu;code_commune;visiteurs_semaine\n2025;La Ruche;01053;10\n2025;Le Hangar;01004;12\n"
    template = (Path(__file__).parents[1] / "config" / "templates" / "enquete_modele.csv").read_text(encoding="utf-8")
    con, res = load(tmp_path, {"enquete_2025.csv": text, "enquete_2025_copie.csv": text,
                               "enquete_modele.csv": template})
    assert (res.rows_read, res.rows_loaded, res.rows_rejected) == (4, 2, 2)
    assert all("doublon" in r for r in rejected(con).values())


def test_an_export_without_final_line_end_loads_with_a_warning(tmp_path):
    """A Google Forms or spreadsheet export without a line end after its last answer (RFC 4180 allows it):
    every answer loads and the file's warning shows the last one to be checked; cut inside its last answer
    (fewer fields than the answer before), the file is refused whole (test above)."""
    header = ["Horodateur", "Nom de votre tiers-lieu", "Code INSEE de la commune"]
    rows = [["2025/03/14 10:22:11 UTC+1", "La Ruche", "01053"], ["2025/03/20 09:00:00 UTC+1", "Le Hangar", "01004"]]
    con, res = load(tmp_path, {"enquete_2025.csv": quoted(header, *rows).rstrip("\n")})
    assert (res.rows_read, res.rows_loaded, res.rows_rejected) == (2, 2, 0)
    [warning] = [w for w in res.files[0].warnings if "sans fin de ligne" in w]
    assert warning.startswith("dernier enregistrement (ligne 3) sans fin de ligne") and "Le Hangar" in warning
