"""SCDL grant files of other publishers than Toulouse, in small files written in the layout of the real
publications, loaded through fetch -> snapshot -> reader -> declaration -> raw. The real files are archived by
github.com/etalab/hackathon_associations (the 2019 Etalab hackathon on the Pays de la Loire associations):

- Département de Maine-et-Loire, 1_Paysage_asso_pdl/49-Maine-et-Loire/
  224900019_conventions-de-subventions-du-departement-de-maine-et-loire.csv (commit 57bb01de): ``;``, an extra
  natureDecision column and an unnamed last one (Colonne1), SIRETs written with spaces and a stray quote
  ("224 900 019 000 15'"), one in scientific notation ("7,86E+13"), an empty dateConvention, and an objet of
  three lines between quotes.
- Département de Loire-Atlantique, 1_Paysage_asso_pdl/44-Loire-Atlantique/
  224400028_subventions-aux-associations-du-departement-de-loire-atlantique.csv (commit 57bb01de): the header
  is the fields' French titles ("Nom de l'attribuant", "Montant total de la subvention"...), dateConvention a
  year alone ("2014"), idBeneficiaire a SIREN, an empty montant for an aid in kind, four more columns (prêt,
  garantie, avantages en nature).
- Département de la Vendée, 1_donnees_subventions_PDL/85-Vendee/
  201906_Publication_données_Open_data_Subventions_Conventions.csv (commit 778b8ab6): separated by ``,``
  while its amounts are written "27 000,00" without quotes: every record has one field too many (more when
  conditionsVersement holds a comma). The same amounts in a ``;`` file are read.

Each test checks read = loaded + rejected, the amounts as figures, and what the per-field report says.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from ingest.errors import ContractError
from ingest.fetch import fetch
from ingest.load import load_source


def load(tmp_path: Path, name: str, text: str):
    con = duckdb.connect()
    f = tmp_path / name
    f.write_text(text, encoding="utf-8")
    res = load_source(con, "subventions", [fetch("subventions", str(f), tmp_path / "snapshots")])
    assert res.rows_read == res.rows_loaded + res.rows_rejected
    return con, res


MAINE_ET_LOIRE = (
    "nomAttribuant;idAttribuant;dateConvention;natureDecision;referenceDecision;nomBeneficiaire;idBeneficiaire;objet;"
    "montant;nature;conditionsVersement;datesPeriodeVersement;idRAE;notificationUE;pourcentageSubvention;Colonne1\n"
    "Département de Maine-et-Loire;224 900 019 000 15';2017-06-10;délibération;2017_09-CP_0027;ACCORDANCE EN 2LA;"
    "82 212 742 900 014;aide au fonctionnement des structures d'enseignement musical;24000.0;en numéraire;unique;"
    "2017-10-06/2018-06-30;sans objet;non;1;\n"
    "Département de Maine-et-Loire;224 900 019 000 15';2018-06-25;délibération;2018_06_CP_0012;"
    "COMITE DEPARTEMENTAL OLYMPIQUE ET SPORTIF;37 988 759 900 056;\"- compensation loyer maison départementale des "
    "sports\n- fonctionnemnt général\n- actions de partenariat\";122000.0;en numéraire;autre : 3 versements 42 000 - "
    "55 000 - 5 000;2018-06-25/2019-06-30;sans objet;non;1;\n"
    "Département de Maine-et-Loire;224 900 019 000 15';;délibération;2018_10_CP_0020;UNION FEMININE ANGERS BASKET;"
    "49 784 521 400 012;saison sportive 2018-2019;60000.0;en numéraire;autre : 2 versements 29 Keuros-31 Keuros;"
    "NC/2019-06-30;sans objet;non;1;\n"
    "Département de Maine-et-Loire;224 900 019 000 15';2017-10-10;délibération;2017_07_CP_0024;"
    "FAMILLES RURALES - FEDERATION DEPARTEMENTALE;7,86E+13;soutien à  la parentalité - référent technique des maisons "
    "d'assistants maternels;42917.0;en numéraire;unique;2017-01-01/2017-12-31;sans objet;non;1;\n")


def test_maine_et_loire_multiline_objet_and_spaced_sirets(tmp_path):
    """The objet of three lines is a field, not a stray quote: the file loads (it was refused whole as damaged)."""
    con, res = load(tmp_path, "224900019_conventions-de-subventions-du-departement-de-maine-et-loire.csv",
                    MAINE_ET_LOIRE)
    assert (res.rows_read, res.rows_loaded, res.rows_rejected) == (4, 4, 0)
    assert con.execute("select idAttribuant, idBeneficiaire, montant, dateConvention, _line from raw.subventions "
                       "order by _row").fetchall() == [
        ("22490001900015", "82212742900014", "24000.0", "2017-06-10", 2),
        ("22490001900015", "37988759900056", "122000.0", "2018-06-25", 3),
        ("22490001900015", "49784521400012", "60000.0", None, 6),
        ("22490001900015", "7,86E+13", "42917.0", "2017-10-10", 7)]
    assert con.execute("select objet from raw.subventions where _row = 2").fetchone()[0].count("\n") == 2
    # The SIRET in scientific notation is kept as published and said in the per-field report.
    assert con.execute("select retained_value, rule from raw._field_report where original_value = '7,86E+13'"
                       ).fetchone() == (None, "SIRET en notation scientifique (identifiant abîmé par un tableur, "
                                              "chiffres perdus) : valeur inutilisable, gardée telle que publiée")


LOIRE_ATLANTIQUE = (
    "Nom de l'attribuant;Identification de l'attribuant;Date de la convention de subvention;Référence de la décision;"
    "Nom du bénéficiaire;Identification du bénéficiaire;Objet de la subvention;Montant total de la subvention;"
    "Nature de la subvention;Conditions de versement de la subvention;Date ou période de versement;"
    "Identifiant RAE de l’aide au titre de laquelle la subvention est attribuée;"
    "Aide d'Etat notifiée à la Commission Européenne;"
    "Pourcentage du montant total de la subvention attribuée au bénéficiaire;Montant du prêt;Montant de la garantie;"
    "Détail des avantages en nature;Estimation des avantages en nature\n"
    "Département de Loire-Atlantique;22440002800011;2014;;CLUB DE PLONGEE DE LA COURONNEE;452474562;;250.0;"
    "aide en numéraire;;2014;;;1;;;;\n"
    "Département de Loire-Atlantique;22440002800011;2008;;MFR LIGNE;785967647;;25970.06;aide en numéraire;;2008;;;1;;;;\n"
    "Département de Loire-Atlantique;22440002800011;2016;;ASSOCIATION USAGE LOCAUX BASE NAUTIQUE;799142930;;;"
    "\"aide en numéraire;aide en nature\";;2016;;;1;;;Mise à dispo locaux mines Abbaretz;\n"
    "Département de Loire-Atlantique;22440002800011;2012;;SAUVEGARDE MEDINA MAHDIA;;;5000.0;aide en numéraire;;2012;;;1;;;;\n")


def test_loire_atlantique_french_titles_and_a_year_for_a_date(tmp_path):
    """Headers in French titles are read by their second names; a year alone is the convention's year (it was
    refused: required columns missing, then every row rejected for its date); an aid in kind without amount is
    rejected with its reason, never counted 0."""
    con, res = load(tmp_path, "224400028_subventions-aux-associations-du-departement-de-loire-atlantique.csv",
                    LOIRE_ATLANTIQUE)
    assert (res.rows_read, res.rows_loaded, res.rows_rejected) == (4, 3, 1)
    assert con.execute("select nomBeneficiaire, montant, dateConvention, idBeneficiaire from raw.subventions "
                       "order by _row").fetchall() == [
        ("CLUB DE PLONGEE DE LA COURONNEE", "250.0", "2014", "452474562"),
        ("MFR LIGNE", "25970.06", "2008", "785967647"),
        ("SAUVEGARDE MEDINA MAHDIA", "5000.0", "2012", None)]
    assert con.execute("select reason from raw.subventions_rejects").fetchone()[0] == (
        "224400028_subventions-aux-associations-du-departement-de-loire-atlantique.csv, ligne 4 : "
        "colonne « montant » (montant en euros) : valeur manquante")
    # A SIREN where a SIRET is expected: kept as published, unusable for matching, said in the report.
    assert con.execute("select count(*) from raw._field_report where column_name = 'idBeneficiaire' "
                       "and rule like 'SIRET attendu (14 chiffres)%'").fetchone()[0] == 3


VENDEE_HEADER = ("nomAttribuant,idAttribuant,dateConvention,referenceDecision,idBeneficiaire,nomBeneficiaire,objet,"
                 "montant,nature,conditionsVersement,datesPeriodeVersement,IdRAE,notificationUE,pourcentageSubvention\n")
VENDEE_ROWS = [
    ("Conseil Départemental de la Vendée", "22850001300658", "2019-06-14", "1-7", "39743944900034",
     "Comité d'Organisation de la Fête du Chrono des Herbiers", "CHRONO DES HERBIERS 2019", "27 000,00",
     "aide en numéraire", "1er acompte : 50 % après signaure de la convention Solde : 50 % selon bilan financiers",
     "2019-06-14_2020-12-31", "", "non", "1"),
    ("Conseil Départemental de la Vendée", "22850001300658", "2019-06-14", "2-7", "54585028100035",
     "SA d'HLM Vendée Logement esh", "Réhabilitation EHPAD AIZENAY", "68 616,25", "aide en numéraire",
     "1er acpte : 10% présentation du certificat de début de travaux.", "2019-08-07_2023-08-06", "", "non", "1"),
    ("Conseil Départemental de la Vendée", "22850001300658", "2018-03-22", "III F 1", "37920430800033",
     "ICES - INSTITUT CATHOLIQUE D'ETUDES SUPERIEURES", "ICES EXTENSION DES LOCAUX", "1 500 000,00",
     "aide en numéraire", "autre : 25% a la signature de la convention", "2018-03-22_2022-12-31", "", "non", "1"),
]


def test_vendee_amounts_with_unprotected_commas_refuse_the_file(tmp_path):
    """The real Vendée file: "27 000,00" unquoted in a file separated by ",": the file is refused whole, with the
    line and what to ask the publisher (every record was rejected one by one, the run saying nothing)."""
    text = VENDEE_HEADER + "".join(",".join(r) + "\n" for r in VENDEE_ROWS) + "\n"
    with pytest.raises(ContractError) as err:
        load(tmp_path, "201906_Publication_données_Open_data_Subventions_Conventions.csv", text)
    message = str(err.value)
    assert "201906_Publication_données_Open_data_Subventions_Conventions.csv" in message
    assert ("3 enregistrement(s) sur 3 n'ont pas le nombre de champs de l'en-tête (14), dès la ligne 2 (15 champs) : "
            "des valeurs contiennent le séparateur « , » sans guillemets") in message
    assert "refusé en entier" in message and "entre guillemets, ou séparé par « ; »" in message


def test_amounts_written_for_people_in_a_semicolon_file(tmp_path):
    """The Vendée amounts in a ";" file (and "12 500 €"): read as figures, each correction in the per-field
    report; "12.500" (12,5 € or 12 500 €?) is rejected with its reason, never read as 12.5."""
    rows = [r[:7] + (amount,) + r[8:] for r, amount in zip(VENDEE_ROWS * 2, (
        "27 000,00", "68\u00a0616,25", "1 500 000,00", "12 500 €", "1.500,50", "12.500"))]
    text = VENDEE_HEADER.replace(",", ";") + "".join(";".join(r) + "\n" for r in rows)
    con, res = load(tmp_path, "subventions-vendee-2019.csv", text)
    assert (res.rows_read, res.rows_loaded, res.rows_rejected) == (6, 5, 1)
    assert con.execute("select montant, replace(montant, ',', '.')::double from raw.subventions order by _row"
                       ).fetchall() == [("27000,00", 27000.0), ("68616,25", 68616.25), ("1500000,00", 1500000.0),
                                        ("12500", 12500.0), ("1500,50", 1500.5)]
    assert con.execute("select count(*) from raw._field_report where column_name = 'montant' and retained_value "
                       "is not null and rule like 'montant écrit avec séparateurs de milliers%'").fetchone()[0] == 5
    assert con.execute("select reason from raw.subventions_rejects").fetchone()[0] == (
        "subventions-vendee-2019.csv, ligne 7 : colonne « montant » (montant en euros) : valeur « 12.500 » invalide : "
        "montant ambigu : un seul séparateur suivi de trois chiffres (« 12.500 » : 12,5 € ou 12 500 € ?) : ligne "
        "rejetée, à faire préciser par l'éditeur")


def test_grants_file_without_final_line_end_is_read_with_a_warning(tmp_path):
    """A grants file exported from a spreadsheet without a line end after its last record (RFC 4180 allows
    it): every grant loads, and the file's warning shows the last record to be checked; the same bytes for a
    publisher's file (France Services) are refused as a cut transfer (tests/test_damaged_files.py)."""
    text = ("nomAttribuant;idAttribuant;dateConvention;nomBeneficiaire;idBeneficiaire;objet;montant\r\n"
            "Commune d'Exemple;;2023-03-01;Association La Fabrique;;Fonctionnement;12000\r\n"
            "Commune d'Exemple;;2023-04-12;Coworking du Val;;Animation;3500.50")
    f = tmp_path / "subventions_2023.csv"
    f.write_bytes(text.encode("utf-8"))
    con = duckdb.connect()
    res = load_source(con, "subventions", [fetch("subventions", str(f), tmp_path / "snapshots")])
    assert (res.rows_read, res.rows_loaded, res.rows_rejected) == (2, 2, 0)
    [warning] = [w for w in res.files[0].warnings if "sans fin de ligne" in w]
    assert "ligne 3" in warning and "Coworking du Val;;Animation;3500.50" in warning
    assert con.execute("select montant from raw.subventions order by _row").fetchall() == [("12000",), ("3500.50",)]


def test_a_grant_repeated_line_for_line_is_loaded_with_a_warning(tmp_path):
    """SCDL grants have no key: a line copied twice (a damaged export, two files pasted together) loaded as two
    grants without a word, doubling the funding figures. It still loads (two identical grants may exist, two
    instalments of one decision) and the file's warning names the lines."""
    header = "nomAttribuant;idAttribuant;dateConvention;nomBeneficiaire;idBeneficiaire;objet;montant\n"
    grant = "Commune d'Exemple;82212742900014;2023-03-01;Association La Fabrique;;Fonctionnement;12000\n"
    other = "Commune d'Exemple;82212742900014;2023-04-12;Coworking du Val;;Animation;3500.50\n"
    _, res = load(tmp_path, "subventions.csv", header + grant + other + grant)
    assert (res.rows_read, res.rows_loaded, res.rows_rejected) == (3, 3, 0)
    [warning] = [w for w in res.files[0].warnings if "identique" in w]
    assert warning.startswith("1 enregistrement(s) identique(s) en tout point à un enregistrement précédent du "
                              "fichier (ligne 4 = ligne 2) : chargé(s) tel(s) quel(s), chacun compte")
    _, res = load(tmp_path, "subventions2.csv", header + grant + other)
    assert not [w for w in res.files[0].warnings if "identique" in w]


def test_a_siret_column_without_one_usable_value_is_named_in_a_warning(tmp_path):
    """The funder's name and SIRET swapped in the header: every idAttribuant was a name, kept as published
    and listed value by value in the per-field report, but the file loaded without a warning. The file's
    warning now names the column; one bad SIRET among good ones stays in the per-field report only."""
    header = "idAttribuant;nomAttribuant;dateConvention;nomBeneficiaire;idBeneficiaire;objet;montant\n"
    rows = "".join(f"Commune d'Exemple;82212742900014;2023-03-0{i};Association {i};;Fonctionnement;{i}000\n"
                   for i in range(1, 5))
    _, res = load(tmp_path, "subventions.csv", header + rows)
    assert res.rows_loaded == 4
    [warning] = [w for w in res.files[0].warnings if "aucune de ses" in w]
    assert warning.startswith("colonne « idAttribuant » (SIRET de l'attribuant) : aucune de ses 4 valeurs n'est "
                              "utilisable (ex. « Commune d'Exemple » : SIRET attendu (14 chiffres)")
    good = header.replace("idAttribuant;nomAttribuant", "nomAttribuant;idAttribuant")
    _, res = load(tmp_path, "subventions2.csv", good + rows.replace("Association 1;;", "Association 1;123;"))
    assert res.rows_loaded == 4 and not [w for w in res.files[0].warnings if "aucune de ses" in w]


def test_a_stray_quote_that_swallows_a_few_lines_refuses_the_file(tmp_path):
    """Free text may span lines (an objet of three lines, loaded), so a stray quote that swallows fewer lines
    than the source's bound was one reject of the wrong width, and the grants of the lines it swallowed
    vanished (read = loaded + rejected held over records, not over lines). A record over several lines that has
    neither the header's field count nor the record before's is now such a quote: the file is refused whole."""
    header = "nomAttribuant;idAttribuant;dateConvention;nomBeneficiaire;idBeneficiaire;objet;montant\n"
    rows = [f"Commune d'Exemple;;2023-03-0{i};Association {i};;Fonctionnement;{i}000\n" for i in range(1, 6)]
    multi = 'Commune d\'Exemple;;2023-04-01;Coworking du Val;;"- loyer\n- animation\n- fonctionnement";3500\n'
    _, res = load(tmp_path, "ok.csv", header + multi + "".join(rows))
    assert (res.rows_read, res.rows_loaded) == (6, 6)
    rows[1] = rows[1].replace("Association 2", '"Association 2')
    with pytest.raises(ContractError, match=r"ligne 6 s'étend sur 5 lignes et n'a ni le nombre de champs de "
                                            r"l'en-tête ni celui de l'enregistrement précédent \(4 au lieu de 7\) : "
                                            r"un guillemet isolé"):
        load(tmp_path, "bad.csv", header + multi + "".join(rows) + multi)
    # one row of the wrong width (rejected alone), then free text over three lines: read as before
    _, res = load(tmp_path, "one_bad_row.csv", header + rows[0].replace(";1000", ";1;000") + multi)
    assert (res.rows_read, res.rows_loaded, res.rows_rejected) == (2, 1, 1)
