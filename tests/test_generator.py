"""The demo territory generator: determinism, exact file formats (compared with the real publications
when ``../shared/data`` is present, and with the loader's contracts) and a truth that the files themselves
confirm.

Everything here re-reads the written files with the standard ``csv`` module; the truth is never
trusted on its own word."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import math
import re
import unicodedata
from decimal import Decimal
from pathlib import Path

import pytest

from ingest.demo import formats, generator, layout
from ingest.demo.generator import generate
from ingest.sources import SOURCES

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"

COG, POP, GEO, INV, FS, FLOWS, GRANTS = (layout.COG, layout.POP, layout.GEO, layout.INV, layout.FS, layout.FLOWS,
                                         layout.GRANTS)
S24, S25 = layout.SURVEYS["2024"], layout.SURVEYS["2025"]

# (separator, line ending, BOM, exact header line or None when checked against the real file)
FORMATS = {
    COG: (",", "\r\n", False, "TYPECOM,COM,REG,DEP,CTCD,ARR,TNCC,NCC,NCCENR,LIBELLE,CAN,COMPARENT"),
    POP: (";", "\r\n", False, "CODREG;REG;CODDEP;CODARR;CODCAN;CODCOM;COM;PMUN;PCAP;PTOT"),
    GEO: (",", "\r\n", False, None),
    INV: (",", "\n", False, None),
    FS: (",", "\n", False, None),
    FLOWS: (";", "\n", False, "CODGEO;LIBGEO;DCLT;L_DCLT;NBFLUX_C20_ACTOCC15P"),
    GRANTS: (",", "\n", False, "nomAttribuant,idAttribuant,dateConvention,referenceDecision,nomBeneficiaire,"
                               "idBeneficiaire,objet,montant,nature,conditionsVersement,datesPeriodeVersement,"
                               "idRAE,notificationUE,pourcentageSubvention"),
    S24: (";", "\r\n", True, "annee;identifiant_lieu;nom_lieu;siret;code_commune;commune;type_lieu;"
                             "annee_ouverture;statut_lieu;statut_juridique;surface_m2;postes_travail;heures_ouverture_semaine;"
                             "adherents;visiteurs_semaine;evenements_an;etp;chiffre_affaires_eur;"
                             "part_financement_public_pct;services;capacite_accueil;accessibilite_pmr;publics;"
                             "prix_poste_mois_eur;part_etat_pct;part_region_pct;part_departement_pct;part_epci_pct;"
                             "part_commune_pct;part_europe_pct;part_autre_pct;recettes_location_eur;"
                             "recettes_evenements_eur;recettes_formation_eur;recettes_services_eur;"
                             "recettes_subventions_eur"),
}
FORMATS[S25] = FORMATS[S24]
FORMATS[layout.OCCUPANCY] = (",", "\n", False, None)   # ingest/demo/attendance.py

REAL_FILES = {
    GEO: "communes_france_2025_sample/communes-france-2025.csv",
    INV: "cget_tierslieux_2019/CGET_TiersLieux_2019.csv",
    FS: "anct_france_services_2024/liste-fs-20240801.csv",
    COG: "insee_cog/commune_2022.csv",
    POP: "insee_cog/donnees_communes.csv",
    GRANTS: "scdl_subventions_schema_example/exemple.csv",
}


# ---------------------------------------------------------------------------------------------- helpers

def read(path: Path, sep: str, bom: bool = False) -> list[dict]:
    with open(path, encoding="utf-8-sig" if bom else "utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter=sep))


def norm(text: str) -> str:
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).upper()
    return " ".join(re.sub(r"[^A-Z0-9]+", " ", text).split())


def haversine(lat1, lon1, lat2, lon2) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (math.sin((p2 - p1) / 2) ** 2
         + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2)
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(a)))


class Mirror:
    """The generated files, parsed once."""

    def __init__(self, root: Path, truth: dict):
        self.root, self.truth = root, truth
        self.cog = read(root / COG, ",")
        self.com = [r for r in self.cog if r["TYPECOM"] == "COM"]
        self.pop = read(root / POP, ";")
        self.geo = read(root / GEO, ",")
        self.inv = read(root / INV, ",")
        self.fs = read(root / FS, ",")
        self.flows = read(root / FLOWS, ";")
        self.grants = read(root / GRANTS, ",")
        self.surveys = {"2024": read(root / S24, ";", bom=True), "2025": read(root / S25, ";", bom=True)}
        self.geo_by_code = {r["code_insee"]: r for r in self.geo}
        self.epci_of = {r["code_insee"]: r["epci_code"] for r in self.geo}
        self.centres = [(r["code_insee"], float(r["latitude_centre"]), float(r["longitude_centre"]))
                        for r in self.geo]

    def nearest(self, lat: float, lon: float) -> tuple[str, float]:
        return min(((haversine(lat, lon, la, lo), code) for code, la, lo in self.centres))[::-1]

    def place_commune(self, row: dict) -> str:
        """As the pipeline does: published code, else the commune with the nearest centre."""
        if row["INSEECOM"] in self.epci_of:
            return row["INSEECOM"]
        return self.nearest(float(row["LAT"]), float(row["LONG"]))[0]


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    base = tmp_path_factory.mktemp("generator")
    a, b, c = base / "a", base / "b", base / "c"
    return (a, generate(a, seed=2024)), (b, generate(b, seed=2024)), (c, generate(c, seed=7))


@pytest.fixture(scope="module")
def m(runs) -> Mirror:
    root, truth = runs[0]
    return Mirror(root, truth)


#: Files written by the demo writers of the source declarations (``Source.demo``), not by ingest.demo.formats.
OWN_WRITERS = tuple(path for name, source in SOURCES.items() if source.demo is not None
                    for path in layout.MIRROR_PATHS.get(name, ()))


def files_of(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


# ---------------------------------------------------------------------------------------------- determinism

def test_same_seed_gives_identical_bytes(runs):
    (a, ta), (b, tb), _ = runs
    fa, fb = files_of(a), files_of(b)
    assert sorted(fa) == sorted([*FORMATS, *layout.REFERENTIAL_FILES, *OWN_WRITERS, "truth.json"])
    for name in fa:
        assert fa[name] == fb[name], name
    assert ta == tb


def test_other_seed_gives_another_territory(runs):
    (a, ta), _, (c, tc) = runs
    fa, fc = files_of(a), files_of(c)
    assert sorted(fa) == sorted(fc)
    assert all(fa[name] != fc[name] for name in FORMATS)
    assert ta["population_total"] != tc["population_total"]
    assert tc["n_communes"] == 300 and len(tc["epci"]) == 12


def test_truth_json_is_the_returned_truth(m):
    text = (m.root / "truth.json").read_text(encoding="utf-8")
    assert json.loads(text) == m.truth
    assert text == json.dumps(m.truth, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def test_command_line(tmp_path, capsys):
    assert generator.main(["--out", str(tmp_path / "demo"), "--seed", "2024"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == len(FORMATS) + len(layout.REFERENTIAL_FILES) + len(OWN_WRITERS) + 1
    counts = {Path(line.split("\t")[0]).relative_to(tmp_path / "demo").as_posix(): int(line.split("\t")[1])
              for line in lines[:-1]}
    assert counts[COG] == 303 and counts[POP] == 300
    assert lines[-1].startswith(f"total\t{sum(counts.values())} ")


# ---------------------------------------------------------------------------------------------- formats

@pytest.mark.parametrize("rel", list(FORMATS))
def test_encoding_separator_line_endings_header(m, rel):
    sep, eol, bom, header = FORMATS[rel]
    raw = (m.root / rel).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") == bom
    text = raw.decode("utf-8-sig" if bom else "utf-8")       # strict: valid UTF-8
    assert text.endswith(eol)
    if eol == "\r\n":
        assert text.count("\r\n") == text.count("\n") == text.count("\r")
    else:
        assert "\r" not in text
    first = text.split(eol, 1)[0]
    if header is not None:
        assert first == header
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=sep))
    assert len({len(r) for r in rows}) == 1, "every record has the header's number of fields"
    assert len(rows[0]) > 4


def test_headers_equal_the_real_publications(m):
    if not SHARED_DATA.is_dir():
        pytest.skip(f"real public files not available: {SHARED_DATA} is absent (see shared/data/SOURCES.md)")
    for rel, real in REAL_FILES.items():
        with open(SHARED_DATA / real, encoding="utf-8-sig", newline="") as f:
            real_header = next(csv.reader(f, delimiter=FORMATS[rel][0]))
        with open(m.root / rel, encoding="utf-8", newline="") as f:
            ours = next(csv.reader(f, delimiter=FORMATS[rel][0]))
        if rel == GEO:
            assert real_header[0] == "", "the sample's R row index"
            real_header = real_header[1:]
        assert ours == real_header, rel
    # the flows file of the national publication has the cartograflow extract's columns (year 2020)
    with open(SHARED_DATA / "mobpro_idf_cartograflow/tab_IDF_mobpro.csv", encoding="utf-8", newline="") as f:
        real = next(csv.reader(f, delimiter=";"))
    assert [c.replace("C14", "C20") for c in real] == FORMATS[FLOWS][3].split(";")


def test_communes_france_quotes_text_not_numbers(m):
    with open(m.root / GEO, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f, quoting=csv.QUOTE_NONNUMERIC))   # unquoted fields become floats
    header, rows = rows[0], rows[1:]
    assert len(header) == 46 and header[0] == "code_insee" and header[-1] == "url_villedereve"
    col = {name: i for i, name in enumerate(header)}
    for r in rows:
        for name in ("code_insee", "code_postal", "canton_code", "epci_code", "reg_code", "dep_code", "zone_emploi"):
            assert isinstance(r[col[name]], str), name
        for name in ("population", "superficie_hectare", "densite", "latitude_centre", "longitude_centre",
                     "latitude_mairie", "longitude_mairie", "grille_densite"):
            assert isinstance(r[col[name]], float), name
        assert re.fullmatch(r"96\d{3}", r[col["code_postal"]])
        assert r[col["typecom"]] == "COM" and r[col["typecom_texte"]] == "commune"
        lat, lon = r[col["latitude_centre"]], r[col["longitude_centre"]]
        assert round(lat, 5) == lat and round(lon, 5) == lon
        assert haversine(lat, lon, r[col["latitude_mairie"]], r[col["longitude_mairie"]]) <= 0.21
        assert r[col["nom_sans_accent"]] == r[col["nom_sans_accent"]].encode("ascii").decode().lower()


def test_france_services_quoting_is_the_anct_one(m):
    """Strings quoted, latitude/longitude bare, empty fields empty; a comment spans several lines."""
    text = (m.root / FS).read_text(encoding="utf-8")
    records = list(csv.reader(io.StringIO(text, newline="")))
    assert len(records[0]) == 24

    numeric = {records[0].index("latitude"), records[0].index("longitude")}

    def field(i, v, header=False):
        if v == "":
            return ""
        if i in numeric and not header:
            float(v)
            return v
        return '"' + v.replace('"', '""') + '"'

    rebuilt = ",".join(field(i, v, True) for i, v in enumerate(records[0])) + "\n"
    rebuilt += "".join(",".join(field(i, v) for i, v in enumerate(r)) + "\n" for r in records[1:])
    assert rebuilt == text
    assert sum("\n" in r["commentaire"] for r in m.fs) >= 1
    assert text.count("\n") > len(m.fs) + 1, "embedded newlines make wc -l lie, as in the real file"


def test_the_mirror_is_the_demo_deployment_of_the_source_declarations(m):
    """Every file the demo deployment reads (ingest/sources/<source>.py, ``demo`` locations) and nothing else;
    each CSV written in the dialect this test expects."""
    written = {p.relative_to(m.root).as_posix() for p in m.root.rglob("*") if p.is_file()}
    declared = {path for paths in layout.MIRROR_PATHS.values() for path in paths}
    assert written == declared | {layout.TRUTH}
    # occupancy: ingest/demo/attendance.py; the sources with their own demo writer (their declaration)
    assert set(formats.FILE_FORMATS) == declared - {layout.OCCUPANCY} - set(OWN_WRITERS)
    for rel, fmt in formats.CSV_FILES.items():
        if rel in FORMATS:
            sep, eol, bom, header = FORMATS[rel]
            assert (fmt.separator, fmt.line_ending, fmt.encoding == "utf-8-sig") == (sep, eol, bom), rel
            assert header is None or header.split(sep) == list(fmt.columns), rel


def test_formats_carry_every_column_of_the_loaders_contracts(monkeypatch):
    """The generated files carry every column the contracts name (canonical name, alias or header pattern),
    checked when ingest.demo.formats is imported: a column renamed on either side is caught."""
    assert formats.contract_disagreements() == []
    inventory = formats.FORMATS["tierslieux_2019"]
    renamed = dataclasses.replace(inventory, columns=tuple("LATITUDE" if c == "LAT" else c for c in inventory.columns))
    monkeypatch.setitem(formats.FORMATS, "tierslieux_2019", renamed)
    assert formats.contract_disagreements() == ["tierslieux_2019: LAT"]


def test_minimal_quoting_files_round_trip(m):
    for rel in (COG, POP, INV, FLOWS, GRANTS, S24, S25):
        sep, eol, bom, _ = FORMATS[rel]
        text = (m.root / rel).read_bytes().decode("utf-8-sig" if bom else "utf-8")
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=sep))
        buf = io.StringIO(newline="")
        csv.writer(buf, delimiter=sep, lineterminator=eol, quoting=csv.QUOTE_MINIMAL).writerows(rows)
        assert buf.getvalue() == text, rel


# ---------------------------------------------------------------------------------------------- codes and counts

def test_codes_keep_their_string_form(m):
    com = m.com
    assert len(com) == 300 == m.truth["n_communes"]
    assert [r["COM"] for r in com] == [f"96{i:03d}" for i in range(1, 301)]
    assert com[0]["COM"] == "96001" and com[0]["CAN"] == "9699"
    for r in com:
        assert (r["REG"], r["DEP"], r["CTCD"]) == ("96", "96", "96D")
        assert r["ARR"] in {"961", "962", "963"} and re.fullmatch(r"96\d{2}", r["CAN"]) and r["COMPARENT"] == ""
        art = {"2": "Le ", "3": "La ", "4": "Les ", "5": "L'"}.get(r["TNCC"], "")
        assert r["LIBELLE"] == art + r["NCCENR"]
        assert r["TNCC"] in {"0", "1", "2", "3", "4", "5"}
        assert r["NCC"] == norm(r["NCCENR"])
    assert any(r["CAN"] == "9601" for r in com)
    assert any("'" in r["LIBELLE"] for r in com) and any(norm(r["LIBELLE"]) != r["LIBELLE"].upper() for r in com)
    assert len({norm(r["LIBELLE"]) for r in m.cog}) == len(m.cog), "unique names"
    comd = [r for r in m.cog if r["TYPECOM"] == "COMD"]
    codes = {r["COM"] for r in com}
    assert len(comd) == 3 and all(r["COMPARENT"] in codes and r["COM"] not in codes for r in comd)
    assert all(r["CAN"] == "" and r["DEP"] == "" for r in comd)

    pop_codes = [r["CODDEP"] + r["CODCOM"] for r in m.pop]
    assert pop_codes == [r["COM"] for r in com], "no population for communes déléguées"
    by_code = {r["COM"]: r for r in com}
    for r in m.pop:
        cog = by_code[r["CODDEP"] + r["CODCOM"]]
        assert r["CODARR"] == cog["ARR"][-1] and r["CODCAN"] == cog["CAN"][-2:] and r["COM"] == cog["LIBELLE"]
        assert int(r["PTOT"]) == int(r["PMUN"]) + int(r["PCAP"])
        assert abs(int(r["PCAP"]) - 0.02 * int(r["PMUN"])) <= 0.01 * int(r["PMUN"]) + 0.5
    assert sorted(m.geo_by_code) == sorted(codes)
    for code, g in m.geo_by_code.items():
        assert g["canton_code"] == by_code[code]["CAN"] and g["nom_standard"] == by_code[code]["LIBELLE"]


def test_counts_are_in_range(m):
    t = m.truth
    assert len({r["epci_code"] for r in m.geo}) == 12 == len(t["epci"])
    assert all(re.fullmatch(r"\d{9}", e) for e in t["epci"])
    assert 20 <= len({r["CAN"] for r in m.com}) <= 30
    assert 55 <= len(m.inv) == t["n_places"] <= 70
    assert 13 <= len(m.fs) == t["n_france_services"] <= 18
    assert 500_000 <= t["population_total"] <= 650_000
    assert [r["ID"] for r in m.inv] == [str(i) for i in range(1, len(m.inv) + 1)]
    assert [r["id_fs"] for r in m.fs] == [str(i) for i in range(1, len(m.fs) + 1)]
    assert sorted(r["type_fs"] for r in m.fs).count("Antenne") == 3
    assert sum(r["TYPO"] == "" for r in m.inv) >= 2


def test_commune_centres_are_scattered_apart(m):
    pts = m.centres
    best = min(haversine(a[1], a[2], b[1], b[2]) for i, a in enumerate(pts) for b in pts[i + 1:])
    assert best >= 1.5
    metro = m.geo_by_code["96001"]
    assert int(metro["population"]) >= 150_000
    assert abs(float(metro["latitude_centre"]) - 45.80) < 0.05 and abs(float(metro["longitude_centre"]) - 3.10) < 0.05


# ---------------------------------------------------------------------------------------------- truth, re-derived

def test_population_truth(m):
    pmun = {r["CODDEP"] + r["CODCOM"]: int(r["PMUN"]) for r in m.pop}
    assert sum(pmun.values()) == m.truth["population_total"]
    by_epci: dict[str, int] = {}
    for code, p in pmun.items():
        by_epci[m.epci_of[code]] = by_epci.get(m.epci_of[code], 0) + p
    assert by_epci == m.truth["population_by_epci"]
    assert {r["epci_code"]: r["epci_nom"] for r in m.geo} == m.truth["epci"]
    assert {r["canton_code"]: r["canton_nom"] for r in m.geo} == m.truth["cantons"]
    assert {r["CAN"] for r in m.com} == set(m.truth["cantons"]) and "9699" in m.truth["cantons"]
    assert all(int(r["population"]) == pmun[r["code_insee"]] for r in m.geo)


def test_places_truth(m):
    counts = {e: {"coworking": 0, "fablab": 0, "non_renseigne": 0, "total": 0} for e in m.truth["epci"]}
    for r in m.inv:
        commune = m.place_commune(r)
        key = ("coworking" if "coworking" in r["TYPO"] else "fablab" if "fablab" in r["TYPO"]
               else "non_renseigne")
        counts[m.epci_of[commune]][key] += 1
        counts[m.epci_of[commune]]["total"] += 1
        near, dist = m.nearest(float(r["LAT"]), float(r["LONG"]))
        assert near == commune and dist <= 0.41, r["ID"]
        assert r["TYPO"] in {"", "Tiers lieux à dominante coworking", "Tiers lieux à dominante fablab"}
        assert r["METRO"] == ("1" if m.epci_of[commune] == m.epci_of["96001"] else "0")
        assert re.fullmatch(r"\d+\.\d{1,6}", r["LAT"]) and 0.5 <= float(r["PRECISION"]) <= 0.99
        assert r["INSEEMETRO"] == commune and r["POPCOM"] == m.geo_by_code[commune]["population"]
    assert counts == m.truth["places_by_epci"]
    assert sum(v["total"] == 0 for v in counts.values()) >= 2
    assert len({norm(r["NOM_TL"]) for r in m.inv}) == len(m.inv), "names unique after normalisation"

    sentinels = [r for r in m.inv if r["INSEECOM"] == "0"]
    assert len(sentinels) == 2 and all(r["CP"] == "0" and r["COMINIT"] and r["NOMCOM"] for r in sentinels)
    assert [{"id": r["ID"], "insee_com": m.place_commune(r)} for r in sentinels] == m.truth["sentinel_places"]
    assert all(r["NOMCOM"] == m.geo_by_code[m.place_commune(r)]["nom_standard"] for r in sentinels)
    assert all(re.fullmatch(r"96\d{3}", r["CP"]) for r in m.inv if r["INSEECOM"] != "0")


def test_france_services_truth(m):
    canton_of = {r["COM"]: r["CAN"] for r in m.com}
    counts = {k: {"principal": 0, "antenne": 0, "total": 0} for k in m.truth["cantons"]}
    for r in m.fs:
        assert r["insee_dep"] == "96" and re.fullmatch(r"96\d{3}", r["insee_com"])
        assert r["code_postal"] == m.geo_by_code[r["insee_com"]]["code_postal"]
        assert r["format_fs"] in {"Fixe", "Multisites", "Itinérante", "Fixe_antenne(s)"}
        assert r["prise_rdv"] in {"Oui", "Non"} and r["labellisation_fs"].startswith("Espace labellisé ")
        c = counts[canton_of[r["insee_com"]]]
        c[r["type_fs"].lower()] += 1
        c["total"] += 1
    assert counts == m.truth["france_services_by_canton"]
    assert max(v["total"] for v in counts.values()) <= 2
    without = sorted(k for k, v in counts.items() if v["total"] == 0)
    assert without == m.truth["cantons_without_france_services"] and len(without) >= 5
    assert [r["insee_com"] for r in m.fs] != sorted(r["insee_com"] for r in m.fs)


def test_flows_truth(m):
    codes = set(m.epci_of)
    sums = {k: {e: [] for e in m.truth["epci"]} for k in ("active", "out_commune", "out_epci")}
    stayers = set()
    for r in m.flows:
        assert r["CODGEO"] in codes and r["DCLT"] in codes, "every workplace is in the territory"
        assert r["LIBGEO"] == m.geo_by_code[r["CODGEO"]]["nom_standard"]
        assert r["L_DCLT"] == m.geo_by_code[r["DCLT"]]["nom_standard"]
        assert re.fullmatch(r"\d+(\.\d{1,6})?", r["NBFLUX_C20_ACTOCC15P"])
        v = float(r["NBFLUX_C20_ACTOCC15P"])
        assert v >= 0.5
        e = m.epci_of[r["CODGEO"]]
        sums["active"][e].append(v)
        if r["DCLT"] == r["CODGEO"]:
            stayers.add(r["CODGEO"])
        else:
            sums["out_commune"][e].append(v)
        if m.epci_of[r["DCLT"]] != e:
            sums["out_epci"][e].append(v)
    assert stayers == codes
    assert len({(r["CODGEO"], r["DCLT"]) for r in m.flows}) == len(m.flows)
    truth = m.truth["flows"]
    for key, name in (("active", "active_residents_by_epci"), ("out_commune", "commuters_out_of_commune_by_epci"),
                      ("out_epci", "commuters_out_of_epci")):
        for e, values in sums[key].items():
            assert math.fsum(values) == pytest.approx(truth[name][e], abs=1e-6), (name, e)
    assert all(v > 0 for v in truth["commuters_out_of_epci"].values())
    total_active = sum(truth["active_residents_by_epci"].values())
    assert 0.38 <= total_active / m.truth["population_total"] <= 0.46


def test_grants_truth(m):
    g = m.truth["grants"]
    assert len(m.grants) == g["n_rows"]
    by_funder: dict[str, Decimal] = {}
    for r in m.grants:
        assert re.fullmatch(r"\d+\.\d{2}", r["montant"]) and 2000 <= float(r["montant"]) <= 150_000
        assert re.fullmatch(r"[1-9]\d{13}", r["idAttribuant"]) and re.fullmatch(r"[1-9]\d{13}", r["idBeneficiaire"])
        assert re.fullmatch(r"2024-\d{2}-\d{2}", r["dateConvention"])
        assert re.fullmatch(r"DEL-2024-\d{3}", r["referenceDecision"])
        assert r["nature"] == "aide en numéraire" and r["notificationUE"] == "non"
        assert r["conditionsVersement"] in {"unique", "échelonné"}
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}_\d{4}-\d{2}-\d{2}", r["datesPeriodeVersement"])
        assert 0.2 <= float(r["pourcentageSubvention"]) <= 1
        by_funder[r["nomAttribuant"]] = by_funder.get(r["nomAttribuant"], Decimal(0)) + Decimal(r["montant"])
    assert {k: float(v) for k, v in by_funder.items()} == g["amount_by_funder"]
    assert len(by_funder) == 3
    assert float(sum(by_funder.values())) == g["total_amount"]

    # beneficiaries recognised as inventory places by normalised name (as the warehouse does)
    place_of_name = {norm(r["NOM_TL"]): r for r in m.inv}
    to_places = {e: Decimal(0) for e in m.truth["epci"]}
    siret_of_place: dict[str, set] = {}
    n = 0
    for r in m.grants:
        place = place_of_name.get(norm(r["nomBeneficiaire"]))
        if place is None:
            continue
        n += 1
        to_places[m.epci_of[m.place_commune(place)]] += Decimal(r["montant"])
        siret_of_place.setdefault(place["ID"], set()).add(r["idBeneficiaire"])
    assert n == g["n_grants_to_places"] and 15 <= n <= 30
    assert {e: float(v) for e, v in to_places.items()} == g["amount_to_places_by_epci"]
    assert all(len(s) == 1 for s in siret_of_place.values()), "one SIRET per place"
    assert any("  " in r["nomBeneficiaire"] for r in m.grants)
    # the survey reports the same SIRET for a funded place
    for wave in m.surveys.values():
        for r in wave:
            pid = r["identifiant_lieu"].removeprefix("TL2019-")
            if pid in siret_of_place:
                assert {r["siret"]} == siret_of_place[pid]


def test_surveys_truth(m):
    inv = {r["ID"]: r for r in m.inv}
    ids = {}
    for year, rows in m.surveys.items():
        t = m.truth["surveys"][year]
        assert len(rows) == t["respondents"]
        visitors = {e: 0 for e in m.truth["epci"]}
        for r in rows:
            assert r["annee"] == year
            place = inv[r["identifiant_lieu"].removeprefix("TL2019-")]
            commune = m.place_commune(place)
            assert r["code_commune"] == commune and r["nom_lieu"] == place["NOM_TL"]
            assert r["commune"] == m.geo_by_code[commune]["nom_standard"]
            assert r["siret"] == "" or re.fullmatch(r"[1-9]\d{13}", r["siret"])
            expected = {"Tiers lieux à dominante coworking": {"coworking"},
                        "Tiers lieux à dominante fablab": {"fablab"}}.get(
                place["TYPO"], {"atelier partagé", "tiers-lieu culturel", "tiers-lieu social"})
            assert r["type_lieu"] in expected
            assert r["statut_juridique"] in {"association", "SCIC", "SAS", "SARL", "collectivité", "autre"}
            assert re.fullmatch(r"\d+\.\d", r["etp"]) and 0 <= int(r["part_financement_public_pct"]) <= 100
            for col in ("surface_m2", "postes_travail", "adherents", "visiteurs_semaine", "evenements_an"):
                assert re.fullmatch(r"\d+", r[col]), col
            assert int(r["postes_travail"]) <= int(r["surface_m2"]) / 4
            visitors[m.epci_of[commune]] += int(r["visiteurs_semaine"])
        assert visitors == t["visitors_per_week_by_epci"]
        assert sum(int(r["postes_travail"]) for r in rows) == t["desks_total"]
        ids[year] = {r["identifiant_lieu"] for r in rows}
    n = len(m.inv)
    assert 0.5 * n <= len(ids["2024"]) <= 0.7 * n and 0.6 * n <= len(ids["2025"]) <= 0.8 * n
    assert ids["2024"] & ids["2025"] and ids["2025"] - ids["2024"]
    sentinel_refs = {"TL2019-" + s["id"] for s in m.truth["sentinel_places"]}
    assert m.truth["territory"]["name"] == "Territoire d'exemple - données fictives"
    assert sentinel_refs  # their true commune code is checked above like every other place
