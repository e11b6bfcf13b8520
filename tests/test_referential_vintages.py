"""Other vintages of the INSEE referential publications, in small files written in the layout of the real ones
(header lines and rows copied from the public repositories that archive them), loaded through fetch -> snapshot
-> reader -> declaration -> raw:

- populations légales, ``donnees_communes.csv`` of INSEE's ``ensemble.zip``:
  - millésime 2021 and later: ``REG;Région;DEP;CODARR;CODCAN;CODCOM;COM;Commune;PMUN;PCAP;PTOT``, where ``COM``
    is the 5-character commune CODE and ``Commune`` its name (``REG`` the region's code). Copies:
    github.com/sebastien-prudhomme/abbeville, data/donnees_communes.csv, commit
    a9d6e8727c4be1e377372ac7a021232217e93f60 (L'Abergement-Clémenciat 832 inhabitants, the population 2021 of the
    datas.fun file), and github.com/pjsebastien/vie-de-camping, data/donnees_communes.csv, commit
    d330444e6022d726144823ce571d85ed3df767f0 (860: a later millésime; Paris by arrondissement with CODCAN empty,
    overseas DEP 971 + CODCOM 101 + COM 97101, towns split between cantons with CODCAN empty). Before this layout
    was declared the file was refused (« CODDEP » absent); read with the earlier meaning of COM it would have
    loaded codes as names.
  - millésime 2019: ``CODREG;REG;CODDEP;CODARR;CODCAN;CODCOM;COM;PMUN;PCAP;PTOT`` (../shared/data/insee_cog, and
    github.com/vincent71219291/candidate_cities_gym, data/donnees_communes.csv, commit
    433b9b36d336bc4b8c47542c7075c16ac0fbec1a), ``COM`` the commune's name.
- COG, list of communes:
  - 2020 (``communes2020.csv``): lower-case header without CTCD,
    ``typecom,com,reg,dep,arr,tncc,ncc,nccenr,libelle,can,comparent``, communes déléguées with REG/DEP/ARR empty;
    github.com/oalam/covid-analytics, data/communes2020.csv, commit ff8de43b19484bdeb0718845cc7f3288d8091f94.
  - 2022 to 2025 (``commune_2022.csv`` in ../shared/data/insee_cog; ``v_commune_2023.csv`` to
    ``v_commune_2025.csv``, the URL of the declaration, have the same header): upper-case header with CTCD,
    ``TYPECOM,COM,REG,DEP,CTCD,ARR,TNCC,NCC,NCCENR,LIBELLE,CAN,COMPARENT``; here the real 2022 rows with every field
    quoted, as tools that re-export the file write them.
  - a copy of 2021 saved by a spreadsheet (github.com/rozieres/files, commune2021.csv, commit
    ebe6a615944b52e83616a50e30235c68f86aad39): every leading zero lost (``COM,1001,84,1,01D,12,...,108,``,
    ``COMD,1015,,,,,...,1015``): those rows are rejected, each with its reason, never loaded under a wrong code.
  - before 2019 (``France2018.txt``, ``comsimp2018.txt``: tab-separated, latin-1, ``DEP`` + 3-digit ``COM``): a
    layout the product does not read, refused whole with the missing columns named.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from ingest.errors import ContractError
from ingest.fetch import fetch
from ingest.load import load_source


def load(tmp_path: Path, source: str, name: str, content: bytes, fast: bool | None = None):
    con = duckdb.connect()
    folder = tmp_path / ("fast" if fast else "python")
    folder.mkdir(exist_ok=True)
    f = folder / name
    f.write_bytes(content)
    res = load_source(con, source, [fetch(source, str(f), folder / "snapshots")], fast=fast)
    assert res.rows_read == res.rows_loaded + res.rows_rejected
    return con, res


POPULATIONS_2021_ON = (
    "REG;Région;DEP;CODARR;CODCAN;CODCOM;COM;Commune;PMUN;PCAP;PTOT\r\n"
    "84;Auvergne-Rhône-Alpes;01;2;08;001;01001;L'Abergement-Clémenciat;860;16;876\r\n"
    "84;Auvergne-Rhône-Alpes;01;2;;053;01053;Bourg-en-Bresse;42372;1589;43961\r\n"
    "11;Île-de-France;75;1;;101;75101;Paris 1er Arrondissement;15114;93;15207\r\n"
    "01;Guadeloupe;971;2;;101;97101;Les Abymes;51055;386;51441\r\n"
    "04;La Réunion;974;2;01;401;97401;Les Avirons;11536;199;11735\r\n")


@pytest.mark.parametrize("fast", [False, True])
def test_populations_2021_on_commune_code_in_com_and_name_in_commune(tmp_path, fast):
    con, res = load(tmp_path, "populations", "donnees_communes.csv", POPULATIONS_2021_ON.encode(), fast=fast)
    assert (res.rows_read, res.rows_loaded, res.rows_rejected) == (5, 5, 0)
    assert res.files[0].engine == ("duckdb" if fast else "python")
    assert res.files[0].vintage == "millésimes 2021 et suivants (COM = code, Commune = nom)" and res.warnings == []
    rows = con.execute("select CODREG, REG, CODDEP, CODCOM, CODGEO, COM, CODCAN, PMUN, PCAP, PTOT, _vintage "
                       "from raw.populations order by _row").fetchall()
    assert [r[:10] for r in rows] == [
        ("84", "Auvergne-Rhône-Alpes", "01", "001", "01001", "L'Abergement-Clémenciat", "08", "860", "16", "876"),
        ("84", "Auvergne-Rhône-Alpes", "01", "053", "01053", "Bourg-en-Bresse", None, "42372", "1589", "43961"),
        ("11", "Île-de-France", "75", "101", "75101", "Paris 1er Arrondissement", None, "15114", "93", "15207"),
        ("01", "Guadeloupe", "971", "101", "97101", "Les Abymes", None, "51055", "386", "51441"),
        ("04", "La Réunion", "974", "401", "97401", "Les Avirons", "01", "11536", "199", "11735")]
    assert {r[10] for r in rows} == {res.files[0].vintage}
    # The code staging recomposes from CODDEP + CODCOM (stg_populations) is the code INSEE wrote in COM.
    assert con.execute("""select count(*) from raw.populations where CODGEO <> case when length(CODDEP) = 3
                          then left(CODDEP, 2) || CODCOM else CODDEP || CODCOM end""").fetchone() == (0,)


def test_populations_2019_layout_keeps_its_meaning(tmp_path):
    text = ("CODREG;REG;CODDEP;CODARR;CODCAN;CODCOM;COM;PMUN;PCAP;PTOT\r\n"
            "84;Auvergne-Rhône-Alpes;01;2;08;001;L'Abergement-Clémenciat;779;19;798\r\n"
            "11;Île-de-France;75;1;  ;101;Paris 1er Arrondissement;15917;138;16055\r\n")
    con, res = load(tmp_path, "populations", "donnees_communes.csv", text.encode())
    assert (res.rows_loaded, res.files[0].vintage) == (2, "millésime 2019 (CODDEP, COM = nom)")
    assert con.execute("select CODREG, REG, CODDEP, CODCOM, CODGEO, COM, PMUN from raw.populations order by _row"
                       ).fetchall() == [
        ("84", "Auvergne-Rhône-Alpes", "01", "001", None, "L'Abergement-Clémenciat", "779"),
        ("11", "Île-de-France", "75", "101", None, "Paris 1er Arrondissement", "15917")]


COG_2020 = """typecom,com,reg,dep,arr,tncc,ncc,nccenr,libelle,can,comparent
COM,01001,84,01,012,5,ABERGEMENT CLEMENCIAT,Abergement-Clémenciat,L'Abergement-Clémenciat,0108,
COM,01015,84,01,011,1,ARBOYS EN BUGEY,Arboys en Bugey,Arboys en Bugey,0104,
COMD,01015,,,,1,ARBIGNIEU,Arbignieu,Arbignieu,,01015
COM,01098,84,01,011,0,CHAZEY BONS,Chazey-Bons,Chazey-Bons,0104,
COMD,01098,,,,0,CHAZEY BONS,Chazey-Bons,Chazey-Bons,,01098
COMA,01120,,,,0,CORDIEUX,Cordieux,Cordieux,,01262
"""

COG_QUOTED = (   # the rows of ../shared/data/insee_cog/commune_2022.csv, every field quoted
    '"TYPECOM","COM","REG","DEP","CTCD","ARR","TNCC","NCC","NCCENR","LIBELLE","CAN","COMPARENT"\n'
    '"COM","01004","84","01","01D","011","1","AMBERIEU EN BUGEY","Ambérieu-en-Bugey","Ambérieu-en-Bugey","0101",""\n'
    '"COMD","01015","","","","","1","ARBIGNIEU","Arbignieu","Arbignieu","","01015"\n'
    '"COM","2A004","94","2A","20R","2A1","1","AJACCIO","Ajaccio","Ajaccio","2A98",""\n'
    '"ARM","75101","11","75","75C","751","0","PARIS 1ER ARRONDISSEMENT","Paris 1er Arrondissement",'
    '"Paris 1er Arrondissement","","75056"\n'
    '"COM","97101","01","971","971D","9712","4","ABYMES","Abymes","Les Abymes","97193",""\n')


def test_cog_2020_lower_case_header_without_ctcd(tmp_path):
    con, res = load(tmp_path, "cog_communes", "communes2020.csv", COG_2020.encode())
    assert (res.rows_read, res.rows_loaded, res.rows_rejected) == (6, 6, 0)
    assert con.execute("select TYPECOM, COM, REG, DEP, LIBELLE, CAN, COMPARENT from raw.cog_communes order by _row"
                       ).fetchall() == [
        ("COM", "01001", "84", "01", "L'Abergement-Clémenciat", "0108", None),
        ("COM", "01015", "84", "01", "Arboys en Bugey", "0104", None),
        ("COMD", "01015", None, None, "Arbignieu", None, "01015"),
        ("COM", "01098", "84", "01", "Chazey-Bons", "0104", None),
        ("COMD", "01098", None, None, "Chazey-Bons", None, "01098"),
        ("COMA", "01120", None, None, "Cordieux", None, "01262")]


def test_cog_2025_quoted_codes_stay_strings(tmp_path):
    con, res = load(tmp_path, "cog_communes", "v_commune_2025.csv", COG_QUOTED.encode())
    assert (res.rows_read, res.rows_loaded, res.rows_rejected) == (5, 5, 0)
    assert con.execute("select TYPECOM, COM, REG, DEP, CTCD, CAN, COMPARENT from raw.cog_communes order by _row"
                       ).fetchall() == [
        ("COM", "01004", "84", "01", "01D", "0101", None),
        ("COMD", "01015", None, None, None, None, "01015"),
        ("COM", "2A004", "94", "2A", "20R", "2A98", None),
        ("ARM", "75101", "11", "75", "75C", None, "75056"),
        ("COM", "97101", "01", "971", "971D", "97193", None)]


def test_cog_copy_that_lost_its_zeros_is_never_loaded_under_wrong_codes(tmp_path):
    text = ("TYPECOM,COM,REG,DEP,CTCD,ARR,TNCC,NCC,NCCENR,LIBELLE,CAN,COMPARENT\n"
            "COM,1001,84,1,01D,12,5,ABERGEMENT CLEMENCIAT,Abergement-Clémenciat,L'Abergement-Clémenciat,108,\n"
            "COMD,1015,,,,,1,ARBIGNIEU,Arbignieu,Arbignieu,,1015\n"
            "COM,10002,44,10,10D,101,1,AILLEVILLE,Ailleville,Ailleville,1003,\n")
    con, res = load(tmp_path, "cog_communes", "commune2021.csv", text.encode())
    assert (res.rows_read, res.rows_loaded, res.rows_rejected) == (3, 1, 2)
    assert con.execute("select COM from raw.cog_communes").fetchall() == [("10002",)]
    assert [r[0] for r in con.execute("select reason from raw.cog_communes_rejects order by _row").fetchall()] == [
        "commune2021.csv, ligne 2 : colonne « COM » (code commune INSEE) : valeur « 1001 » invalide",
        "commune2021.csv, ligne 3 : colonne « COM » (code commune INSEE) : valeur « 1015 » invalide"]


def test_cog_layout_before_2019_is_refused_whole(tmp_path):
    text = ("CDC\tCHEFLIEU\tREG\tDEP\tCOM\tAR\tCT\tTNCC\tARTMAJ\tNCC\tARTMIN\tNCCENR\r\n"
            "0\t0\t84\t01\t001\t2\t08\t5\t(L')\tABERGEMENT-CLEMENCIAT\t(L')\tAbergement-Clémenciat\r\n")
    with pytest.raises(ContractError) as err:
        load(tmp_path, "cog_communes", "comsimp2018.txt", text.encode("latin-1"))
    message = str(err.value)
    assert "comsimp2018.txt" in message and "« TYPECOM », « LIBELLE »" in message and "ligne 1" in message
