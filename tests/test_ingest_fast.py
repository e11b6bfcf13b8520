"""The fast CSV path (DuckDB read_csv + the contract as SQL, used for large files) gives exactly the
tables of the Python path: the same files are loaded both ways and raw.<source>, its rejects (reasons
with file and line, original records) and the row accounting are compared. Files the fast path cannot
take exactly (embedded newlines, blank lines, a wrong number of fields) fall back to the Python path."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import duckdb
import pytest

from ingest.errors import ContractError
from ingest.fetch import fetch
from ingest.load import line_layout, load_source
from ingest.sources import CONTRACTS

# The France Services contract without its vintages and code corrections (a contract with either is always
# read by the Python path): the fast path's checks of patterns, keys and coordinates on a familiar shape.
FS_PLAIN = replace(CONTRACTS["france_services"], vintages=(), derived=(),
                   columns=tuple(replace(c, normalize=None) for c in CONTRACTS["france_services"].columns))
SUBVENTIONS_PLAIN = replace(CONTRACTS["subventions"],
                            columns=tuple(replace(c, normalize=None) for c in CONTRACTS["subventions"].columns))


def both(tmp_path: Path, source: str, files: dict[str, bytes]) -> list[str]:
    """Load ``files`` through both paths, assert identical results, return the engines of the fast run."""
    contract = {"france_services": FS_PLAIN, "subventions": SUBVENTIONS_PLAIN}.get(source)
    snaps = []
    for name, content in files.items():
        f = tmp_path / name
        f.write_bytes(content)
        snaps.append(fetch(source, str(f), tmp_path / "snapshots"))
    out = []
    for fast in (False, True):
        con = duckdb.connect()
        res = load_source(con, source, snaps, contract, fast=fast)
        out.append((
            [c[0] for c in con.execute(f'describe raw."{source}"').fetchall()],
            [c[1] for c in con.execute(f'describe raw."{source}"').fetchall()],
            con.execute(f'select * from raw."{source}" order by _file, _row').fetchall(),
            con.execute(f'select * from raw."{source}_rejects" order by _file, _row').fetchall(),
            [(f.rows_read, f.rows_loaded, f.rows_rejected, f.encoding, f.separator) for f in res.files],
            con.execute("select file, rows_read, rows_loaded, rows_rejected, encoding, separator "
                        "from raw._manifest order by file").fetchall(),
            [f.engine for f in res.files],
        ))
        assert con.execute(f'select count(*) from raw."{source}"').fetchone()[0] == res.rows_loaded
    python, fast = out
    assert set(python[6]) == {"python"}
    assert fast[:6] == python[:6]
    return fast[6]


FS = "id_fs,lib_fs,insee_com,code_postal,latitude,longitude,type_fs\n"


@pytest.mark.slow   # the fast path on the France Services contract: about 1 s of DuckDB per load, 3-5 s
def test_checks_reasons_and_records_are_identical(tmp_path):
    text = (FS +
            "1,FS A,01033,01200,46.1,5.8,Principal\n"
            "2,FS B,1001,1100,46.2,5.2,Antenne\n"                   # lost zero: invalid commune code
            "3,,01053,01000,46.2,5.2,Principal\n"                   # missing name
            "4,FS D, 01053\u00a0,01000,46.2,5.2,Principal\n"        # spaces (one non-breaking) around a code
            "5,FS E,01053,01000,5.2,46.2,Principal\n"               # swapped coordinates
            "6,FS F,01053,01000,46.2,5.2,Bus\n"                     # type outside the list
            "1,FS A bis,01033,01200,46.1,5.8,Principal\n"           # duplicated key
            "1.2E+1,FS G,01053,01000,46.2,5.2,Principal\n"          # scientific notation
            '7,"FS H, ""la maison""",01053,01000,"46,2","5,2",\n'   # quotes, separator inside, decimal comma
            "8,FS I,2A004,20000,41.9,8.7,Antenne\n"
            "9,\t,01053,01000,,,Principal\n").encode()              # blank name (a tab)
    assert both(tmp_path, "france_services", {"fs.csv": text}) == ["duckdb"]


@pytest.mark.slow   # the fast path on the France Services contract: about 1 s of DuckDB per load, 3-5 s
def test_sentinels_bom_crlf_and_no_final_newline(tmp_path):
    text = ("\ufeffID,NOM_TL,ADRESSE,CP,INSEECOM,NOMCOM,TYPO,LAT,LONG\r\n"
            "1,Lieu A,,0,0,,Tiers lieux à dominante coworking,46.2,5.2\r\n"
            "2,Lieu B,1 rue,01000,01053,Bourg,,46.2,5.22\r\n"
            "3,Lieu C,,1100,1283,Oyonnax,,abc,5.6\r\n").encode()
    assert both(tmp_path, "tierslieux_2019", {"tl.csv": text}) == ["duckdb"]
    # Without the last line end the file may be cut inside its last value: both paths refuse it.
    f = tmp_path / "cut.csv"
    f.write_bytes(text[:-2])
    snap = fetch("tierslieux_2019", str(f), tmp_path / "s")
    for fast in (False, True):
        with pytest.raises(ContractError, match="fichier tronqué : le dernier enregistrement \\(ligne 4\\)"):
            load_source(duckdb.connect(), "tierslieux_2019", [snap], fast=fast)


def test_latin1_header_pattern_and_foreign_codes(tmp_path):
    text = ("CODGEO;LIBGEO;DCLT;L_DCLT;NBFLUX_C19_ACTOCC15P\r\n"
            "01173;Gex;SU004;Genève;2510.4\r\n"
            "06088;Nice;MO001;Monaco;1802,2\r\n"
            "57463;Metz;X12;Ailleurs;1\r\n"
            "57463;Metz;LU003;Luxembourg;\r\n"
            "75101;Paris 1er;75102;Paris 2e  Arrondissement;€ 12\r\n").encode("cp1252")
    assert both(tmp_path, "mobpro_flows", {"flux.csv": text}) == ["duckdb"]


def test_duplicates_across_files_and_missing_columns_of_a_vintage(tmp_path):
    a = ("nomAttribuant;nomBeneficiaire;montant;pourcentageSubvention\n"
         "Région;Lieu A;100.5;1\nRégion;Lieu B;20;\n").encode()
    b = ("nomAttribuant,nomBeneficiaire,montant,idBeneficiaire\n"
         "Région,Lieu C,2,43E+13\n").encode()
    assert both(tmp_path, "subventions", {"a.csv": a, "b.csv": b}) == ["duckdb", "duckdb"]
    f1 = "CODGEO;DCLT;NBFLUX_C20_ACTOCC15P\n01001;01004;1\n01001;01005;2\n".encode()
    f2 = "CODGEO;DCLT;NBFLUX_C20_ACTOCC15P\n01001;01005;3\n01001;01006;4\n01001;01006;5\n".encode()
    assert both(tmp_path, "mobpro_flows", {"f1.csv": f1, "f2.csv": f2}) == ["duckdb", "duckdb"]


@pytest.mark.parametrize("text, why", [
    (FS + '1,FS A,01033,01200,46.1,5.8,Principal\n2,"FS\nB",01053,01000,46.2,5.2,Principal\n', "embedded newline"),
    (FS + "1,FS A,01033,01200,46.1,5.8,Principal\n\n2,FS B,01053,01000,46.2,5.2,Principal\n", "blank line"),
    (FS + "1,FS A,01033,01200,46.1,5.8,Principal\n2,FS B,01053\n", "missing fields"),
    (FS + "1,FS A,01033,01200,46.1,5.8,Principal,extra\n", "extra field"),
])
def test_files_the_fast_path_cannot_take_fall_back(tmp_path, text, why):
    assert both(tmp_path, "france_services", {"fs.csv": text.encode()}) == ["python"], why


@pytest.mark.slow   # the fast path on the France Services contract: about 1 s of DuckDB per load, 3-5 s
def test_stray_quote_inside_a_field_is_read_alike(tmp_path):
    text = FS + '1,FS "A",01033,01200,46.1,5.8,Principal\n2,FS B,01053,01000,46.2,5.2,Antenne\n'
    assert both(tmp_path, "france_services", {"fs.csv": text.encode()}) in (["duckdb"], ["python"])


@pytest.mark.slow   # the fast path on the France Services contract: about 1 s of DuckDB per load, 3-5 s
def test_header_only_and_missing_column(tmp_path):
    assert both(tmp_path, "france_services", {"fs.csv": FS.encode()}) == ["duckdb"]
    f = tmp_path / "bad.csv"
    f.write_bytes(b"id_fs,lib_fs\n1,A\n")
    snap = fetch("france_services", str(f), tmp_path / "s")
    for fast in (False, True):
        with pytest.raises(ContractError, match="« insee_com »"):
            load_source(duckdb.connect(), "france_services", [snap], FS_PLAIN, fast=fast)


def test_zipped_csv_through_both_paths(tmp_path):
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("varmod_flux.csv", "VAR;LIB\n")
        zf.writestr("base-flux-2020.csv", "CODGEO;DCLT;NBFLUX_C20_ACTOCC15P\n01001;01004;1\n01001;01004;2\n"
                                           "01001;AL00H;\u0663\n")   # an Arabic-Indic digit is not a digit here
    assert both(tmp_path, "mobpro_flows", {"flux.zip": buf.getvalue()}) == ["duckdb"]


def test_line_layout(tmp_path):
    f = tmp_path / "x.csv"
    for content, expected in [(b"a\nb\n", (2, False)), (b"a\nb", (2, False)), (b"a\r\n\r\nb\r\n", (3, True)),
                              (b"a\n\nb", (3, True)), (b"a", (1, False))]:
        f.write_bytes(content)
        assert line_layout(f) == expected, content


@pytest.mark.slow   # the real files read twice, through both paths (about 13 s)
@pytest.mark.parametrize("source, paths", [
    ("cog_communes", ["insee_cog/commune_2022.csv"]),
    ("populations", ["insee_cog/donnees_communes.csv"]),
    ("tierslieux_2019", ["cget_tierslieux_2019/CGET_TiersLieux_2019.csv"]),
    ("communes_geo", ["communes_france_2025_sample/communes-france-2025.csv", "datasfun_communes_2024/communes.csv"]),
    ("subventions", ["scdl_subventions_toulouse/subventions-toulouse_2022.csv",
                     "scdl_subventions_toulouse/subventions-toulouse_2023.csv"]),
    ("typologie_ruralite", ["anct_grilles/ruralite.csv"]),
    ("mobpro_flows", ["mobpro_idf_cartograflow/tab_IDF_mobpro.csv"]),
])
def test_real_files_identical_through_both_paths(shared_data, tmp_path, source, paths):
    engines = both(tmp_path, source, {Path(p).name: (shared_data / p).read_bytes() for p in paths})
    assert set(engines) == {"duckdb"}
