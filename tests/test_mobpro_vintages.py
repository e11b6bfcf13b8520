"""The published vintages of INSEE's home-to-work mobility, in small files written in the layout of the real
publications, loaded through fetch -> snapshot -> reader -> declaration -> raw.

Base flux de mobilité (source ``mobpro_flows``), one header per census, ``;``, decimal weighted flows:

- RP2014: ``CODGEO;LIBGEO;DCLT;L_DCLT;NBFLUX_C14_ACTOCC15P`` (github.com/fbahoken/cartogRaflow,
  vignettes/data/tab_IDF_mobpro.csv, commit 382c9223e986e18d8f21ed3adf61233c0fa69f86; ../shared/data).
- RP2018 to RP2021: ``base-flux-mobilite-domicile-lieu-travail-<year>.csv`` in a zip, ``NBFLUX_C18_ACTOCC15P``
  ... ``NBFLUX_C21_ACTOCC15P`` read as floats (github.com/mobility-team/mobility,
  mobility/parsers/work_home_flows.py, commit b618ebe7c2ac781df220a1217a3c42b3918f9257).
- RP2022: ``CODGEO;LIBGEO;DCLT;L_DCLT;NBFLUX_C22_ACTOCC15P``, decimal counts, Paris / Lyon / Marseille by
  arrondissement (751xx, 6938x, 132xx), foreign workplaces ``BE540``, ``SU112``, ``AL157``, ``LU320``, ``ZZZZZ``
  (github.com/DDT95/val-doise-domicile-travail, HANDOFF.md, commit 95d357968bd46ea2f8881929a4532749a06f4e00).
  Foreign codes with a letter at the end (``AL12A``, ``SU0AB``) are INSEE's own (the RP2021 list in
  ../shared/data/mobpro_foreign_codes).

Fichier détail MOBPRO (source ``mobpro_detail``), one weighted individual a row, ``;``:

- RP2015: ``FD_MOBPRO_2015`` with COMMUNE, ARM, TRANS, IPONDI, DCLT (github.com/eqasim-org/ile-de-france,
  data/od/raw.py, commit 15d8c2b533b2cf5f6f2258929e8eb0102ce656d0); TRANS in the 5 codes of the censuses before
  2017 (3 « deux roues »: the bicycle was told apart from 2015 on, INSEE publishing it from the 2017 census).
- RP2018: ``FD_MOBPRO_2018.csv``, TRANS 3 bicycle, 4 motorised two-wheeler, 5 car, 6 public transport
  (github.com/odyssee-co/tiers-lieux, code/preprocessing/population.py, commit
  086625af1de2093a59de054851bd5fffd396c04a).
- RP2019: the archive as data.gouv.fr serves it, ``/datasets/r/f3f22487-...`` (a name without the year) holding
  ``FD_MOBPRO_2019.csv``; DCFLT ``99999`` when working in France, the foreign place otherwise, DCLT ``99999``
  abroad (github.com/mobility-team/mobility, mobility/parsers/jobs_active_population_flows.py, commit
  0361d723d62475f604ed31fd93da1f69c3877092).
- RP2022: PCS 2020 ``GS`` instead of ``CS1``, new ``STAT`` and ``INEEM`` columns
  (github.com/DDT95/val-doise-domicile-travail, scripts/build_profiles.py, commit
  0abe626572b0a2902d07873d9ce9e78fb45f3a48).

The census year is written in the flows' count column and only in the detail file's name: each test checks that it
is recorded on every row, and that a file which cannot say it, or of a year the product does not know, is refused
whole with a French message.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import duckdb
import pytest

from ingest import sources
from ingest.errors import ContractError
from ingest.fetch import fetch
from ingest.load import load_source


def load_file(tmp_path: Path, source: str, name: str, content: bytes | dict[str, str], con=None):
    """``content`` (bytes, or the members of a zip) written as ``name``, fetched and loaded by the source's
    loader (load_source hands the detail file to its own)."""
    f = tmp_path / name
    if isinstance(content, dict):
        with zipfile.ZipFile(f, "w") as zf:
            for member, text in content.items():
                zf.writestr(member, text)
    else:
        f.write_bytes(content)
    con = con or duckdb.connect()
    res = load_source(con, source, [fetch(source, str(f), tmp_path / "snapshots")])
    assert res.rows_read == res.rows_loaded + res.rows_rejected
    return con, res


def load_flows(tmp_path: Path, name: str, content: bytes | dict[str, str]):
    return load_file(tmp_path, "mobpro_flows", name, content)


FLOW_ROWS = (
    "01001;L'Abergement-Clémenciat;01001;L'Abergement-Clémenciat;{stayers}\n"
    "2A004;Ajaccio;2A004;Ajaccio;{ajaccio}\n"
    "75101;Paris 1er Arrondissement;75102;Paris 2e  Arrondissement;247.00012\n"
    "69381;Lyon 1er Arrondissement;13201;Marseille 1er Arrondissement;1.2\n"
    "57463;Metz;LU320;Luxembourg;30.4\n"
    "74012;Annemasse;SU0AB;Genève;5\n"
    "06088;Nice;MO001;Monaco (MO001);100.1\n"
    "59350;Lille;BE540;Tournai;2.3\n"
    "57672;Sarreguemines;AL12A;Uberherrn;1.0\n"
    "57463;Metz;ZZZZZ;Autre commune étrangère;1.5\n")


@pytest.mark.parametrize("yy", ["14", "18", "19", "20", "21", "22"])
def test_flows_every_census_count_column_and_its_year(tmp_path, yy):
    header = f"CODGEO;LIBGEO;DCLT;L_DCLT;NBFLUX_C{yy}_ACTOCC15P\n"
    text = header + FLOW_ROWS.format(stayers="49.2898710330358", ajaccio="12345.678901")
    con, res = load_flows(tmp_path, f"base-flux-mobilite-domicile-lieu-travail-20{yy}.csv", text.encode())
    assert (res.rows_read, res.rows_loaded, res.rows_rejected) == (10, 10, 0)
    rows = con.execute("select CODGEO, DCLT, NBFLUX_ACTOCC15P, census_year from raw.mobpro_flows order by _row").fetchall()
    assert {r[3] for r in rows} == {f"20{yy}"}
    # Codes as published (strings: zeros, 2A, arrondissements, foreign places), counts exactly as written.
    assert [r[:3] for r in rows[:4]] == [("01001", "01001", "49.2898710330358"), ("2A004", "2A004", "12345.678901"),
                                        ("75101", "75102", "247.00012"), ("69381", "13201", "1.2")]
    assert [r[1] for r in rows[4:]] == ["LU320", "SU0AB", "MO001", "BE540", "AL12A", "ZZZZZ"]


def test_flows_decimal_comma_kept_as_published(tmp_path):
    """A count written with a decimal comma loads as published; staging reads it as the same number
    (macro to_double: « 49,2898710330358 » = 49.2898710330358)."""
    text = "CODGEO;LIBGEO;DCLT;L_DCLT;NBFLUX_C20_ACTOCC15P\n" + FLOW_ROWS.format(stayers="49,2898710330358",
                                                                                 ajaccio="12345,678901")
    con, res = load_flows(tmp_path, "flux-2020.csv", text.encode())
    assert res.rows_loaded == 10
    assert con.execute("select list(try_cast(replace(trim(NBFLUX_ACTOCC15P), ',', '.') as double) order by _row)[1:2] "
                       "from raw.mobpro_flows").fetchone()[0] == [49.2898710330358, 12345.678901]


def test_flows_zip_with_its_documentation(tmp_path):
    """The zip as INSEE publishes it: the data file next to its documentation (meta_*): the data file is read."""
    members = {"base-flux-mobilite-domicile-lieu-travail-2021.csv":
               "CODGEO;LIBGEO;DCLT;L_DCLT;NBFLUX_C21_ACTOCC15P\n" + FLOW_ROWS.format(stayers="52.385", ajaccio="3"),
               "meta_base-flux-mobilite-domicile-lieu-travail-2021.csv": "COD_VAR;LIB_VAR\nCODGEO;Commune\n"}
    con, res = load_flows(tmp_path, "base-flux-mobilite-domicile-lieu-travail-2021-csv.zip", members)
    assert (res.rows_loaded, res.files[0].member) == (10, "base-flux-mobilite-domicile-lieu-travail-2021.csv")
    assert con.execute("select distinct census_year from raw.mobpro_flows").fetchall() == [("2021",)]


def test_flows_without_their_census_year_are_refused(tmp_path):
    """A count column that does not say its census year, or two of them: the figures could not say their base."""
    no_year = "CODGEO;LIBGEO;DCLT;L_DCLT;NBFLUX_ACTOCC15P\n" + FLOW_ROWS.format(stayers="1", ajaccio="2")
    with pytest.raises(ContractError, match=r"« NBFLUX_ACTOCC15P » \(ligne 1, en-tête\) ne dit pas son millésime.*"
                                            r"« NBFLUX_C21_ACTOCC15P » pour 2021"):
        load_flows(tmp_path, "flux.csv", no_year.encode())
    two = "CODGEO;LIBGEO;DCLT;L_DCLT;NBFLUX_C20_ACTOCC15P;NBFLUX_C21_ACTOCC15P\n01001;A;01001;A;1;2\n"
    with pytest.raises(ContractError, match="deux colonnes « NBFLUX_ACTOCC15P » de millésimes différents.*"
                                            "NBFLUX_C20_ACTOCC15P, NBFLUX_C21_ACTOCC15P"):
        load_flows(tmp_path, "flux-2020-2021.csv", two.encode())


def test_flows_real_2014_header(tmp_path, shared_data):
    header = (shared_data / "mobpro_idf_cartograflow" / "tab_IDF_mobpro.csv").open(encoding="utf-8").readline()
    con, res = load_flows(tmp_path, "tab_IDF_mobpro.csv", (header + "75101;Paris 1er Arrondissement;75102;"
                                                           "Paris 2e  Arrondissement;247\n").encode())
    assert con.execute("select CODGEO, DCLT, NBFLUX_ACTOCC15P, census_year from raw.mobpro_flows").fetchall() == [
        ("75101", "75102", "247", "2014")]


# ------------------------------------------------------------------------------------------- detail file
HEADER = ("COMMUNE;ARM;DCFLT;DCLT;AGEREVQ;CS1;DIPL;EMPL;ILT;INATC;IPONDI;NA17;SEXE;TP;TRANS;TYPL;VOIT\n")
DETAIL_ROWS = (
    "01001;ZZZZZ;99999;01001;040;6;C;16;1;1;2.54329857243645;FZ;1;1;{car};1;2\n"
    "75056;75111;99999;75108;030;3;G;16;2;1;3.85738411543071;JZ;2;1;{pt};2;0\n"
    "69123;69383;99999;69381;025;5;F;15;2;1;4.1;GZ;2;2;3;2;0\n"
    "13055;13201;99999;13202;050;4;E;16;2;1;3,9;OQ;1;1;4;2;1\n"
    "57463;ZZZZZ;LU003;99999;045;3;G;16;6;1;5.2;KZ;1;1;{car};1;2\n"
    "2A004;ZZZZZ;99999;2A004;035;2;D;21;1;1;1.7;IZ;1;1;1;1;1\n")


def load_detail(tmp_path: Path, name: str, content: bytes | dict[str, str], con=None):
    return load_file(tmp_path, "mobpro_detail", name, content, con)


def test_detail_2019_archive_named_by_data_gouv_takes_the_year_of_its_data_file(tmp_path):
    members = {"FD_MOBPRO_2019.csv": HEADER + DETAIL_ROWS.format(car="5", pt="6"),
               "Varmod_MOBPRO_2019.csv": "COD_VAR;LIB_VAR;COD_MOD;LIB_MOD\nTRANS;Mode;3;Vélo\n"}
    con, res = load_detail(tmp_path, "f3f22487-22d0-45f4-b250-af36fc56ccd0", members)
    assert (res.rows_read, res.rows_loaded, res.rows_rejected) == (6, 6, 0)
    assert res.files[0].vintage == "RP2019" and res.files[0].member == "FD_MOBPRO_2019.csv"
    rows = con.execute("select COMMUNE, ARM, DCFLT, DCLT, CS1, TRANS, IPONDI, census_year from raw.mobpro_detail "
                       "order by _row").fetchall()
    assert rows[1] == ("75056", "75111", "99999", "75108", "3", "6", "3.85738411543071", "2019")
    assert rows[3][6] == "3,9" and rows[4][2:4] == ("LU003", "99999") and rows[5][0] == "2A004"
    assert con.execute("select vintage from raw._manifest where source = 'mobpro_detail'").fetchall() == [("RP2019",)]


def test_detail_2015_text_file_and_2022_pcs_2020(tmp_path):
    con, res = load_detail(tmp_path, "FD_MOBPRO_2015.txt", (HEADER + DETAIL_ROWS.format(car="4", pt="5")).encode())
    assert (res.rows_loaded, res.files[0].vintage) == (6, "RP2015")
    assert con.execute("select list(TRANS order by _row), list(distinct census_year) from raw.mobpro_detail"
                       ).fetchone() == (["4", "5", "3", "4", "4", "1"], ["2015"])

    header = HEADER.replace(";CS1;", ";GS;").replace(";VOIT\n", ";VOIT;STAT;INEEM\n")
    rows = "".join(r + ";10;1\n" for r in DETAIL_ROWS.format(car="5", pt="6").splitlines())
    con, res = load_detail(tmp_path, "RP2022_mobpro_csv.zip", {"FD_MOBPRO_2022.csv": header + rows})
    assert (res.rows_loaded, res.files[0].vintage) == (6, "RP2022")
    assert con.execute("select list(CS1 order by _row), list(distinct census_year), list(distinct STAT) "
                       "from raw.mobpro_detail").fetchone() == (["6", "3", "5", "4", "3", "2"], ["2022"], ["10"])


def test_detail_year_recorded_by_the_generic_path_too(tmp_path):
    """A file the streaming path cannot read (cp1252) goes to the generic loader: the year is recorded all the same."""
    text = HEADER + DETAIL_ROWS.format(car="5", pt="6").replace(";KZ;", ";Activités financières;")
    con, res = load_detail(tmp_path, "FD_MOBPRO_2018.csv", text.encode("cp1252"))
    assert (res.rows_loaded, res.files[0].engine, res.files[0].vintage) == (6, "python", "RP2018")
    assert con.execute("select list(distinct census_year), count(*) from raw.mobpro_detail").fetchone() == (["2018"], 6)
    assert con.execute("select vintage from raw._manifest").fetchall() == [("RP2018",)]


def test_detail_refused_without_its_year_or_of_an_unknown_year(tmp_path):
    """The year decides how TRANS is read: a file that cannot say it, says two, or is of a census the product
    does not know is refused whole, and nothing of it reaches raw."""
    text = (HEADER + DETAIL_ROWS.format(car="5", pt="6")).encode()
    with pytest.raises(ContractError, match=r"année du recensement introuvable.*« mobpro\.csv ».*TRANS.*"
                                            r"FD_MOBPRO_<année>\.csv"):
        load_detail(tmp_path, "mobpro.csv", text)
    with pytest.raises(ContractError, match=r"recensement 2023 : millésime que le produit ne connaît pas \(il lit les "
                                            r"recensements 2015 à 2022\).*varmod_MOBPRO_2023.*CENSUS_YEARS"):
        load_detail(tmp_path, "RP2023_mobpro_csv.zip", {"FD_MOBPRO_2023.csv": text.decode()})
    with pytest.raises(ContractError, match=r"deux années de recensement.*2019 \(« RP2019_mobpro_csv\.zip »\), "
                                            r"2018 \(« FD_MOBPRO_2018\.csv »\)"):
        load_detail(tmp_path, "RP2019_mobpro_csv.zip", {"FD_MOBPRO_2018.csv": text.decode()})
    con = duckdb.connect()
    with pytest.raises(ContractError):
        load_detail(tmp_path, "FD_MOBPRO_2014.csv", text, con=con)
    assert con.execute("select count(*) from information_schema.tables where table_schema = 'raw'").fetchone() == (0,)


def test_detail_parquet_edition_refused_in_french(tmp_path):
    """INSEE publishes the 2022 detail file as Parquet too (RP2022_mobpro.parquet, read by the DDT95 scripts cited
    above): not read, refused whole in French instead of a decoding error."""
    path = tmp_path / "RP2022_mobpro.parquet"
    duckdb.connect().execute(f"copy (select '01001' as COMMUNE, 'ZZZZZ' as ARM, '01001' as DCLT, '6' as GS, "
                             f"'5' as TRANS, 2.5 as IPONDI) to '{path}' (format parquet)")
    with pytest.raises(ContractError, match="fichier Parquet : ce format n'est pas lu.*édition CSV"):
        sources.load(duckdb.connect(), "mobpro_detail", [fetch("mobpro_detail", str(path), tmp_path / "snapshots")])
