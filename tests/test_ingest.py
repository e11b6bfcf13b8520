"""Ingestion under contract: bad input ends in a French error naming source, file and line, or in
a quarantined row with its reason; never in a silent loss or a partial load."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from ingest.errors import ContractError
from ingest.fetch import fetch
from ingest.load import load_source

POP_HEADER = "CODREG;REG;CODDEP;CODARR;CODCAN;CODCOM;COM;PMUN;PCAP;PTOT"


def load_text(tmp_path: Path, source: str, name: str, content: bytes, con=None):
    f = tmp_path / name
    f.write_bytes(content)
    con = con or duckdb.connect()
    snap = fetch(source, str(f), tmp_path / "snapshots")
    return con, load_source(con, source, [snap])


def test_codes_stay_strings_and_rows_are_counted(tmp_path):
    text = (POP_HEADER + "\r\n84;Auvergne;01;2;08;001;L'Abergement;779;19;798\r\n"
            "94;Corse;2A;1;01;004;Ajaccio;71361;1092;72453\r\n").encode()
    con, res = load_text(tmp_path, "populations", "donnees_communes.csv", text)
    assert (res.rows_read, res.rows_loaded, res.rows_rejected) == (2, 2, 0)
    assert con.execute("select CODDEP, CODCOM, PMUN from raw.populations order by _row").fetchall() == [
        ("01", "001", "779"), ("2A", "004", "71361")]
    assert con.execute("select typeof(CODDEP) from raw.populations limit 1").fetchone()[0] == "VARCHAR"


def test_bad_rows_are_quarantined_with_file_line_and_column(tmp_path):
    text = (POP_HEADER + "\n"
            "84;Auvergne;01;2;08;001;A;779;19;798\n"
            "84;Auvergne;01;2;08;002;B;env. 300;1;301\n"      # not a number
            "84;Auvergne;01;2;08;003;C;100\n"                 # missing fields
            "84;Auvergne;01;2;08;001;A bis;5;0;5\n"           # duplicated key
            "84;Auvergne;01;2;08;004;D;;0;0\n").encode()      # empty required value
    con, res = load_text(tmp_path, "populations", "pop.csv", text)
    assert res.rows_read == 5 and res.rows_loaded == 1 and res.rows_rejected == 4
    reasons = [r[0] for r in con.execute("select reason from raw.populations_rejects order by _row").fetchall()]
    assert reasons[0] == "pop.csv, ligne 3 : colonne « PMUN » (population municipale) : valeur « env. 300 » invalide"
    assert reasons[1] == "pop.csv, ligne 4 : nombre de champs incorrect : 8 au lieu de 10"
    assert reasons[2].startswith("pop.csv, ligne 5 : doublon : même clé (CODDEP, CODCOM = 01, 001) que pop.csv ligne 2")
    assert reasons[3] == "pop.csv, ligne 6 : colonne « PMUN » (population municipale) : valeur manquante"
    record = con.execute("select record from raw.populations_rejects where _row = 2").fetchone()[0]
    assert '"PMUN": "env. 300"' in record


def test_missing_required_column_is_a_french_error(tmp_path):
    text = b"ID,NOM_TL,CP,LAT,LONG\n1,Lieu,01000,46.2,5.2\n"
    with pytest.raises(ContractError) as err:
        load_text(tmp_path, "tierslieux_2019", "inventaire.csv", text)
    msg = str(err.value)
    assert "Source « tierslieux_2019 »" in msg and "inventaire.csv" in msg
    assert "colonne(s) obligatoire(s) absente(s) : « INSEECOM »" in msg and "ligne 1" in msg


@pytest.mark.parametrize("content, expected", [
    (b"", "le fichier reçu est vide"),
    (b"<!DOCTYPE html><html><body>502 Bad Gateway</body></html>", "page HTML"),
])
def test_empty_or_html_file_is_refused(tmp_path, content, expected):
    with pytest.raises(ContractError, match=expected):
        load_text(tmp_path, "france_services", "fs.csv", content)


def test_latin1_and_bom_are_decoded(tmp_path):
    latin = ("CODGEO;LIBGEO;DCLT;L_DCLT;NBFLUX_C19_ACTOCC15P\r\n"
             "75101;Paris 1er;92012;Boulogne-Billancourt;12,5\r\n"
             "01001;L'Abergement-Clémenciat;CH001;Genève;3\r\n").encode("latin-1")
    con, res = load_text(tmp_path, "mobpro_flows", "flux.csv", latin)
    assert res.files[0].encoding == "cp1252" and res.rows_loaded == 2
    assert con.execute("select LIBGEO, census_year from raw.mobpro_flows where CODGEO = '01001'").fetchone() == (
        "L'Abergement-Clémenciat", "2019")
    bom = "\ufeffnomAttribuant;nomBeneficiaire;montant\r\nRégion;Lieu é;100.5\r\n".encode("utf-8")
    con, res = load_text(tmp_path, "subventions", "sub.csv", bom)
    assert res.files[0].encoding == "utf-8-sig"
    assert con.execute('select "nomAttribuant", montant from raw.subventions').fetchone() == ("Région", "100.5")


def test_failed_load_keeps_previous_table(tmp_path):
    good = (POP_HEADER + "\n84;A;01;2;08;001;A;779;19;798\n").encode()
    con, _ = load_text(tmp_path, "populations", "pop.csv", good)
    bad = b"CODDEP;CODCOM\n01;001\n"
    with pytest.raises(ContractError):
        load_text(tmp_path, "populations", "pop2.csv", bad, con=con)
    assert con.execute("select count(*) from raw.populations").fetchone()[0] == 1


def test_territory_regions_departements_epcis(tmp_path):
    from ingest.config import PROJECT_ROOT, load_settings

    cfg = tmp_path / "c.toml"
    cfg.write_text('[territory]\nname = "T"\nregions = ["84", 93]\ndepartements = [1, "2A", "971"]\n'
                   'epcis = ["200040715"]\n', encoding="utf-8")
    t = load_settings(cfg).territory
    assert (t.regions, t.departements, t.epcis) == (("84", "93"), ("01", "2A", "971"), ("200040715",))
    cfg.write_text('[territory]\nname = "T"\nepcis = ["CC du Bugey"]\n', encoding="utf-8")
    with pytest.raises(ValueError, match="epcis : « CC du Bugey » n'est pas un code valide"):
        load_settings(cfg)
    prod = load_settings(PROJECT_ROOT / "config" / "production.toml")
    assert prod.territory.regions == ("84",) and prod.territory.epcis == ()
    assert all("://" in loc or loc.endswith(".csv") for s in prod.sources.values() for loc in s.locations)
