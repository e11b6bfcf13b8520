"""Damaged files are detected, not absorbed: copies of the shared real files, damaged the way files are damaged
on their way (a stray quote, a file cut mid-line, at a line end or inside its last value, an HTML error page
that starts with a comment), are refused whole with a French reason naming the file and the line; when an
earlier snapshot of the same location loaded, it stays in use, marked stale, and the run's warnings say why.
Identifiers written with spaces, dots or quotes are corrected when unambiguous (Luhn for SIRETs) and every
correction or refusal is in the per-field report (raw._field_report and its CSV file)."""

from __future__ import annotations

import csv
import http.server
import re
import threading
from pathlib import Path

import duckdb
import pytest

from ingest.errors import ContractError, FetchError
from ingest.fetch import fetch
from ingest.load import load_source, write_field_report
from ingest.sources import load_or_keep_previous

FS_2024 = Path("anct_france_services_2024") / "liste-fs-20240801.csv"
FLOWS = Path("mobpro_idf_cartograflow") / "tab_IDF_mobpro.csv"


def snapshot(tmp_path: Path, source: str, name: str, content: bytes, folder: str = "mirror"):
    """``content`` written at ``tmp_path/folder/name`` and fetched into the snapshots of ``tmp_path``."""
    f = tmp_path / folder / name
    f.parent.mkdir(parents=True, exist_ok=True)
    f.write_bytes(content)
    return fetch(source, str(f), tmp_path / "snapshots")


def refused_by_the_documented_command(tmp_path: Path, source: str, name: str, content: bytes) -> str:
    """The real files with ``content`` as the file ``name`` of ``source``, built by the documented command: it
    must fail (exit code 1, nothing published, the French failure line); returns its output."""
    from tests.conftest import real_config, run_documented_command

    f = tmp_path / source / name
    f.parent.mkdir(parents=True)
    f.write_bytes(content)
    proc = run_documented_command(real_config(tmp_path, f'[sources.{source}]\nurl = "{f}"\n'))
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, out[-3000:]
    assert not (tmp_path / "warehouse" / "observatoire.duckdb").exists()
    assert "Le rafraîchissement a échoué" in out
    return out


def test_stray_quote_in_the_flows_file_refuses_the_file(tmp_path, shared_data):
    """One quote opening a field swallowed 5,905 lines into one reject (and commuters fell by two thirds): now
    the file is refused, the reason names the line of the quote, and the earlier raw table stays."""
    data = (shared_data / FLOWS).read_bytes()
    lines = data.split(b"\n")
    lines[2000] = lines[2000].replace(b";", b';"', 1)       # a quote opens the second field of line 2,001
    con = duckdb.connect()
    good = snapshot(tmp_path, "mobpro_flows", "tab_IDF_mobpro.csv", data, "before")
    before = load_source(con, "mobpro_flows", [good])
    damaged = snapshot(tmp_path, "mobpro_flows", "tab_IDF_mobpro.csv", b"\n".join(lines))
    with pytest.raises(ContractError) as err:
        load_source(con, "mobpro_flows", [damaged])
    assert "l'enregistrement qui commence à la ligne 2001 s'étend sur" in str(err.value)
    assert "guillemet isolé" in str(err.value) and "refusé en entier" in str(err.value)
    assert err.value.snapshot is damaged
    assert con.execute("select count(*), sum(NBFLUX_ACTOCC15P::double) from raw.mobpro_flows").fetchone() == (
        before.rows_loaded, con.execute("select sum(NBFLUX_ACTOCC15P::double) from raw.mobpro_flows").fetchone()[0])
    assert before.rows_loaded == 7905


@pytest.mark.parametrize("cut", ["mid_line", "inside_last_value"])
def test_a_cut_file_is_refused_and_its_last_value_never_loaded(tmp_path, shared_data, cut):
    data = (shared_data / FLOWS).read_bytes()
    if cut == "mid_line":
        data = data[: int(len(data) * 0.6)]
        data = data[: data.rindex(b"\n") + 12]               # twelve bytes into a record
    else:
        data = data.rstrip(b"\n")[:-1]                        # the last flow loses its last digit
    snap = snapshot(tmp_path, "mobpro_flows", "tab_IDF_mobpro.csv", data)
    with pytest.raises(ContractError, match=r"fichier tronqué : le dernier enregistrement \(ligne \d+\) n'a pas de "
                                            r"fin de ligne"):
        load_source(duckdb.connect(), "mobpro_flows", [snap])


def test_file_cut_at_a_line_end_is_refused_against_the_previous_snapshot(tmp_path, shared_data):
    """Cut at 60 % on a line end, the France Services list has no other sign of damage: its row count against
    the previous snapshot of the same location (at most 10 % fewer rows for this monthly list) refuses it,
    the previous snapshot stays in use, marked stale, and the manifest says why in French."""
    data = (shared_data / FS_2024).read_bytes()
    con = duckdb.connect()
    first = load_source(con, "france_services", [snapshot(tmp_path, "france_services", "liste-fs.csv", data)])
    assert first.rows_loaded == 2845
    head = data[: int(len(data) * 0.6)]
    cut = head[: head.rindex(b'\n"') + 1]                     # 60 % of the bytes, ending on a record's line end
    kept = sum(1 for _ in csv.reader(cut.decode().splitlines(keepends=True))) - 1
    assert 1650 < kept < 1750
    damaged = snapshot(tmp_path, "france_services", "liste-fs.csv", cut)
    with pytest.raises(ContractError, match=rf"fichier probablement tronqué : {kept} ligne\(s\) lues contre 2845 dans "
                                            r"la copie précédente du \d{4}-\d\d-\d\d \(baisse de 4\d %, au plus 10 % "
                                            r"pour cette source\)"):
        load_source(con, "france_services", [damaged])
    result = load_or_keep_previous(con, "france_services", [damaged])
    assert (result.rows_loaded, result.stale) == (2845, True)
    assert result.files[0].warnings[0].startswith("fichier refusé : Source « france_services »")
    assert "reste en service (marquée ancienne)" in result.files[0].warnings[0]
    assert con.execute("select rows_read, stale, warnings like 'fichier refusé : %fichier probablement tronqué%' "
                       "from raw._manifest where loaded_at = (select max(loaded_at) from raw._manifest)"
                       ).fetchone() == (2845, True, True)


def test_a_damaged_file_without_earlier_snapshot_loads_nothing(tmp_path, shared_data):
    data = (shared_data / FS_2024).read_bytes()
    con = duckdb.connect()
    con.execute("create schema raw; create table raw.france_services as select 'publié' as lib_fs")
    damaged = snapshot(tmp_path, "france_services", "liste-fs.csv", data[: len(data) // 2])
    with pytest.raises(ContractError, match="fichier tronqué"):
        load_or_keep_previous(con, "france_services", [damaged])
    assert con.execute("select lib_fs from raw.france_services").fetchall() == [("publié",)]


HTML_WITH_COMMENT = (b"<!-- served by the CDN: resource moved -->\n<!DOCTYPE html>\n<html><head><title>404</title>"
                     b"</head><body>Ressource introuvable</body></html>\n")


def test_html_page_starting_with_a_comment_is_not_data(tmp_path):
    """Served over HTTP it is retried then refused (never archived as a good snapshot); as a local file it is
    refused in French."""
    class Page(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/csv")
            self.send_header("Content-Length", str(len(HTML_WITH_COMMENT)))
            self.end_headers()
            self.wfile.write(HTML_WITH_COMMENT)

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with pytest.raises(FetchError, match="le serveur a renvoyé une page HTML au lieu du fichier de données"):
            fetch("france_services", f"http://127.0.0.1:{server.server_port}/liste-fs.csv", tmp_path / "snapshots",
                  retries=1, backoff=0)
    finally:
        server.shutdown()
    assert not list((tmp_path / "snapshots" / "france_services").glob("*/liste-fs.csv"))
    snap = snapshot(tmp_path, "france_services", "liste-fs.csv", HTML_WITH_COMMENT)
    with pytest.raises(ContractError, match="le fichier reçu est une page HTML au lieu du fichier de données"):
        load_source(duckdb.connect(), "france_services", [snap])


def test_siret_written_with_spaces_and_quotes_are_corrected_and_reported(tmp_path, shared_data):
    """A copy of a Toulouse SCDL file whose first grants carry their SIRETs written by hand: spaces, a trailing
    quote, dots; a wrong check digit is kept as published and reported; scientific notation is reported too.
    Every grant is loaded; the per-field report file lists each value with its rule."""
    src = shared_data / "scdl_subventions_toulouse" / "subventions-toulouse_2022.csv"
    lines = src.read_bytes().decode("utf-8-sig").split("\n")
    header = lines[0].split(";")
    ben, att = header.index("idBeneficiaire"), header.index("idAttribuant")
    rows = [line.split(";") for line in lines[1:6]]
    rows[0][ben], rows[0][att] = "82 212 742 900 014", '24310051800014"'
    rows[1][ben] = "822.127.429.00014"
    rows[2][ben] = "82212742900015"                          # check digit wrong
    text = "\n".join([lines[0], *(";".join(r) for r in rows), *lines[6:]])
    con = duckdb.connect()
    res = load_source(con, "subventions", [snapshot(tmp_path, "subventions", "subventions-2022.csv",
                                                    text.encode("utf-8-sig"))])
    assert res.rows_rejected == 0 and res.rows_loaded == res.rows_read
    assert con.execute("select idBeneficiaire, idAttribuant from raw.subventions order by _row limit 3").fetchall() == [
        ("82212742900014", "24310051800014"), ("82212742900014", "2,43E+13"), ("82212742900015", "2,43E+13")]
    report = {(r[0], r[1]): r[2:] for r in con.execute(
        "select line, column_name, original_value, retained_value, rule from raw._field_report").fetchall()}
    assert report[(2, "idBeneficiaire")][:2] == ("82 212 742 900 014", "82212742900014")
    assert report[(2, "idAttribuant")][:2] == ('24310051800014"', "24310051800014")
    assert report[(3, "idBeneficiaire")][:2] == ("822.127.429.00014", "82212742900014")
    assert report[(4, "idBeneficiaire")] == ("82212742900015", None, "SIRET dont la clé de contrôle (Luhn) est "
                                             "fausse : valeur gardée telle que publiée, à vérifier")
    assert report[(3, "idAttribuant")][1] is None and "notation scientifique" in report[(3, "idAttribuant")][2]
    assert res.corrections == 3
    out = write_field_report(con, "subventions", tmp_path / "rapport.csv")
    with (tmp_path / "rapport.csv").open(encoding="utf-8", newline="") as fh:
        table = list(csv.reader(fh, delimiter=";"))
    assert table[0] == ["source", "fichier", "ligne", "colonne", "valeur_publiee", "valeur_retenue", "regle"]
    assert len(table) == out + 1 and ["subventions", "subventions-2022.csv", "2", "idBeneficiaire",
                                      "82 212 742 900 014", "82212742900014"] == table[1 + [
                                          i for i, r in enumerate(table[1:]) if r[2:4] == ["2", "idBeneficiaire"]][0]][:6]


@pytest.mark.parametrize("head, expected", [
    (b"", "un fichier vide"),
    (b" \r\n\t", "un fichier vide"),
    (b"<!-- erreur -->\n<html><body>502</body></html>", "une page HTML"),
    (b"\xef\xbb\xbf\n\n<!DOCTYPE html>", "une page HTML"),
    (b"Erreur 502 Bad Gateway\n<!doctype html><html lang=fr>", "une page HTML"),   # a few words, then the page
    (b'<?xml version="1.0"?><Error><Code>NoSuchKey</Code></Error>', "une page HTML"),   # object store error
    (b"id,nom\n1,<b>gras</b>\n", None),                      # markup inside a value is data
    (b'{"description": "<body> dans un texte"}', None),
])
def test_non_data_bodies_are_recognised_wherever_the_markup_starts(head, expected):
    from ingest.readers import non_data_reason

    reason = non_data_reason(head)
    assert (reason is None) if expected is None else reason.startswith(expected)


@pytest.mark.slow   # builds the real files (about a minute)
def test_cog_cut_at_a_line_end_on_a_first_load_is_refused_by_the_referential_check(tmp_path, shared_data):
    """The INSEE COG cut at 40 % on a line end, loaded for the first time (no previous snapshot to compare
    with): every record is whole and valid, so only the other referential files can tell. Before the check,
    the documented command published a France of 39 départements with exit code 0 and no warning (1,050
    tiers-lieux counted instead of the whole inventory). Now the dbt test assert_referential_files_complete
    fails the build: nothing is published, the run says in French which file is incomplete, where, and what
    to do. The départements expected to be missing are read here from the cut file and the whole one."""
    data = (shared_data / "insee_cog" / "commune_2022.csv").read_bytes()
    head = data[: int(len(data) * 0.4)]
    cut = head[: head.rindex(b"\n") + 1]
    rows = list(csv.DictReader(cut.decode("utf-8").splitlines()))
    kept = {r["DEP"] for r in rows if r["TYPECOM"] == "COM"}
    whole = {r["DEP"] for r in csv.DictReader(data.decode("utf-8").splitlines()) if r["TYPECOM"] == "COM"}
    missing = sorted(whole - kept)
    assert len(kept) == 39 and "39" in missing and "971" in missing and len(missing) > 55
    last = max(kept)                                   # the département the cut went through (38, in part)
    in_last = sum(1 for r in rows if r["TYPECOM"] == "COM" and r["DEP"] == last)
    out = refused_by_the_documented_command(tmp_path, "cog_communes", "commune_2022.csv", cut)
    assert ("Contrôle bloquant en échec sur staging/stg_cog_communes : fichiers du référentiel des communes complets, "
            "département par département") in out
    assert (f"Fichier des communes du COG (cog_communes) incomplet : 0 commune(s) du département {missing[0]} contre "
            in out)
    assert "fichier probablement tronqué ou extrait partiel" in out
    con = duckdb.connect(str(next((tmp_path / "warehouse" / "build").glob("*.duckdb"))), read_only=True)
    stored = dict(con.execute("select departement_code, n_communes from dbt_test__audit.assert_referential_files_complete "
                              "where source_name = 'cog_communes'").fetchall())
    con.close()
    assert sorted(stored) == sorted(missing + [last]) and stored[last] == in_last and not any(
        stored[d] for d in missing)
    assert "test(s) dbt bloquant(s) en échec : assert_referential_files_complete" in out


@pytest.mark.parametrize("make, what", [
    (lambda data: __import__("gzip").compress(data), "une archive compressée gzip (.gz)"),
    (lambda data: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + data[:2000], "un classeur Excel 97-2003 (.xls)"),
    (lambda data: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n", "un document PDF"),
    (lambda data: data[:100] + b"\x00\x00\x00\x00" + data[100:4000], "un fichier binaire (octets nuls dès le début)"),
])
def test_a_binary_file_under_a_csv_name_is_refused_in_french(tmp_path, shared_data, make, what):
    """The France Services list gzipped (a server or a colleague compressed it), an old .xls saved as .csv, a
    PDF, a file with NUL bytes: before, the CSV reader crashed with an English UnicodeDecodeError ('charmap'
    codec) that named no file; now each is refused whole, in French, saying what the file is."""
    data = (shared_data / FS_2024).read_bytes()
    snap = snapshot(tmp_path, "france_services", "liste-fs.csv", make(data))
    with pytest.raises(ContractError, match=rf"liste-fs.csv\) : le fichier reçu est {re.escape(what)}, pas un fichier "
                                            r"de données lisible par le produit .* rien n'a été chargé"):
        load_source(duckdb.connect(), "france_services", [snap])


def test_a_latin1_file_with_a_byte_cp1252_leaves_undefined_loads(tmp_path):
    """0x81, 0x8D, 0x8F, 0x90, 0x9D are undefined in cp1252: a latin-1 file holding one (a control character
    pasted in a name) was a UnicodeDecodeError; it is read as latin-1, every row loaded, accents kept."""
    text = ("insee_com,lib_com,niveau_densite\n96001,Sainte-Hélène\x81,Petites villes\n"
            "96002,Évreux,Bourgs ruraux\n")
    snap = snapshot(tmp_path, "grille_densite", "densite.csv", text.encode("latin-1"))
    con = duckdb.connect()
    res = load_source(con, "grille_densite", [snap])
    assert (res.rows_read, res.rows_loaded, res.files[0].encoding) == (2, 2, "latin-1")
    assert con.execute("select lib_com from raw.grille_densite order by _row").fetchall() == [
        ("Sainte-Hélène\x81",), ("Évreux",)]


@pytest.mark.parametrize("source, path, fast", [
    ("france_services", FS_2024, None),      # the Python reader (records over several lines)
    ("mobpro_flows", FLOWS, True),           # DuckDB's reader (the fast path of large CSV files)
])
def test_nul_bytes_in_the_middle_of_a_file_refuse_it(tmp_path, shared_data, source, path, fast):
    """A copy whose middle was filled with zeros (a download or copy interrupted, a disk full) loaded every row,
    the zeros inside a value, without a word: only the first 4 KB were looked at. Now the file is refused whole,
    in French, with the line of the first NUL byte, whichever reader would have read it."""
    data = (shared_data / path).read_bytes()
    middle = data.index(b"\n", len(data) // 2) + 1 + 12          # 12 bytes into a line after the middle
    line = data[:middle].count(b"\n") + 1
    snap = snapshot(tmp_path, source, path.name, data[:middle] + b"\x00" * 512 + data[middle:])
    con = duckdb.connect()
    with pytest.raises(ContractError, match=rf"{re.escape(path.name)}\) : le fichier contient des octets nuls à la "
                                            rf"ligne {line} : .* rien n'a été chargé"):
        load_source(con, source, [snap], fast=fast)
    assert not con.execute(f"select count(*) from duckdb_tables() where table_name = '{source}'").fetchone()[0]


def test_a_file_without_a_record_among_others_is_named_in_a_warning(tmp_path):
    """Two grant files, one of them exported with its header only: the source's row count (the other file's)
    stayed in bounds and the empty file went unnoticed. Its warning now says it holds no record, in the
    loader's result and in the manifest the run report reads."""
    header = "nomAttribuant;idAttribuant;dateConvention;nomBeneficiaire;idBeneficiaire;objet;montant\n"
    full = snapshot(tmp_path, "subventions", "subventions_2023.csv",
                    (header + "Commune d'Exemple;;2023-03-01;Association La Fabrique;;Fonctionnement;12000\n").encode())
    empty = snapshot(tmp_path, "subventions", "subventions_2024.csv", header.encode())
    con = duckdb.connect()
    res = load_source(con, "subventions", [full, empty])
    assert [(f.rows_read, f.warnings) for f in res.files] == [
        (1, []), (0, ["aucun enregistrement dans ce fichier (en-tête seul) : rien n'en est chargé ; vérifiez le "
                      "fichier ou refaites son export"])]
    assert con.execute("select file, warnings from raw._manifest order by file").fetchall() == [
        ("subventions_2023.csv", None), ("subventions_2024.csv", res.files[1].warnings[0])]


@pytest.mark.parametrize("source, path, old, new, expected", [
    ("tierslieux_2019", Path("cget_tierslieux_2019") / "CGET_TiersLieux_2019.csv", b",TYPO,", b",TYPOLOGIE,",
     "colonne facultative « TYPO » absente : pas de type de lieu : aucun tiers-lieu n'est compté comme coworking ou "
     "fablab"),
    ("cog_communes", Path("insee_cog") / "commune_2022.csv", b",CAN,", b",CANTON,",
     "colonne facultative « CAN » absente : pas de canton : les indicateurs par canton (cantons sans France Services) "
     "sont vides"),
])
def test_an_optional_column_renamed_is_named_with_what_it_costs(tmp_path, shared_data, source, path, old, new,
                                                               expected):
    """The inventory's TYPO renamed TYPOLOGIE loaded every place as « non renseigné » (0 coworking, 0 fablab), the
    COG's CAN renamed CANTON emptied every canton indicator, both without a word. The file still loads (the
    columns are optional: other vintages lack them) and its warning says what the absence costs."""
    data = (shared_data / path).read_bytes()
    head, rest = data.split(b"\n", 1)
    assert old in head
    snap = snapshot(tmp_path, source, path.name, head.replace(old, new) + b"\n" + rest)
    res = load_source(duckdb.connect(), source, [snap])
    assert res.rows_loaded == res.rows_read > 1000
    assert [w for w in res.files[0].warnings if w.startswith(expected)]


@pytest.mark.slow   # builds the real files (about a minute)
def test_populations_whose_header_swaps_two_populations_are_not_published(tmp_path, shared_data):
    """PMUN and PTOT swapped in the header of the INSEE legal populations: every value is a valid integer, so
    the file loaded whole and the indicators counted the population totale as the population municipale
    (66,988,403 inhabitants became 68,229,198, every rate per inhabitant moved), with exit code 0. The three
    populations add up in every INSEE vintage (PTOT = PMUN + PCAP, true of all 34,990 rows of the real file):
    stg_populations' column rule now fails the build, in French, and nothing is published."""
    data = (shared_data / "insee_cog" / "donnees_communes.csv").read_bytes()
    head, rest = data.split(b"\n", 1)
    assert head.startswith(b"CODREG;REG;CODDEP;CODARR;CODCAN;CODCOM;COM;PMUN;PCAP;PTOT")
    swapped = head.replace(b"PMUN", b"-").replace(b"PTOT", b"PMUN").replace(b"-", b"PTOT")
    out = refused_by_the_documented_command(tmp_path, "populations", "donnees_communes.csv", swapped + b"\n" + rest)
    assert "staging/stg_populations" in out and "population_totale" in out, out[-3000:]


def test_a_json_key_renamed_is_named_with_what_it_costs(tmp_path, shared_data):
    """The structures of the conseillers numériques with their commune code under another key: they loaded and
    were placed by postcode or coordinates instead, without a word. The file's warning now says so."""
    import json

    items = json.loads((shared_data / "anct_conseillers_numeriques" / "cnfs.json").read_text(encoding="utf-8"))
    for item in items:
        item["code_insee_commune"] = item.pop("insee_com", None)
    snap = snapshot(tmp_path, "conseillers_numeriques", "cnfs.json", json.dumps(items, ensure_ascii=False).encode())
    res = load_source(duckdb.connect(), "conseillers_numeriques", [snap])
    assert res.rows_loaded == res.rows_read == 1450
    assert res.files[0].warnings == [
        "colonne facultative « insee_com » absente : pas de code commune : les structures sont placées par leur code "
        "postal et leur nom de commune ou par leurs coordonnées (méthode dans quality_place_placement)"]
