"""Every published vintage of the ANCT list of France Services, in small files written in the layout of the
real publications, loaded through fetch -> snapshot -> reader -> declaration -> raw:

- 2021, GeoJSON of the ANCT map (github.com/anct-carto/France-services, data/france_services.geojson): one
  feature per line, MATRICULE written as a number ("2.0"), DEPARTEMENT without its zero, categorie FS /
  FS itinérante / Antenne / Antenne itinérante (the archive writes "FS itinerante", later exports the accent);
  Corsican codes that lost a zero ("2B14" in département 2B).
- 2022, CSV: provisional ids temp_N for the sites labelled that month, no type_fs (the type is in format_fs:
  "Site principal" / "Antenne"), itinerance "Oui". The file itself is not in the archives we could read: its
  header is the one the ANCT's map of 2022 reads (github.com/anct-carto/france_services, src/app.js: id_fs,
  lib_fs, adresse, complement_adresse, code_postal, lib_com, h_*, itinerance, format_fs, latitude, longitude)
  on the columns the 2024 file kept.
- 2024, CSV: the header line of liste-fs-20240801.csv, every text field quoted, numbers and empties bare.

Each test checks that every site is loaded, that the vintage is recorded on each row, and that antennas and
itinerant sites are read as such (raw.site_type, raw.itinerant; staging's fs_type / fs_itinerant read them).
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from ingest.fetch import fetch
from ingest.load import load_source


def load(tmp_path: Path, name: str, content: bytes, con=None):
    con = con or duckdb.connect()
    f = tmp_path / name
    f.write_bytes(content)
    res = load_source(con, "france_services", [fetch("france_services", str(f), tmp_path / "snapshots")])
    assert res.rows_read == res.rows_loaded + res.rows_rejected
    return con, res


GEOJSON_2021 = """{
"type": "FeatureCollection",
"name": "france_services",
"crs": { "type": "name", "properties": { "name": "urn:ogc:def:crs:OGC:1.3:CRS84" } },
"features": [
%s
]
}
"""
FEATURE_2021 = (
    '{ "type": "Feature", "properties": { "MATRICULE": %(id)s, "DEPARTEMENT": "%(dep)s", "lib_france_services": '
    '"%(name)s", "ADRESSE": "1 place de la Mairie", "COMPLEMENT.D.ADRESSE": "", "insee_com": "%(com)s", '
    '"code_postal": "%(cp)s", "lib_com": "%(town)s", "COMMUNE": "%(town_upper)s", "LATITUDE": %(lat)s, '
    '"LONGITUDE": %(lon)s, "CONTACT.MAIL": "", "TELEPHONE": "", "h_lundi": "9:00 - 12:00 \\/ 14:00 - 16:00", '
    '"h_mardi": "-", "h_mercredi": "-", "h_jeudi": "-", "h_vendredi": "-", "h_samedi": "-", '
    '"Commentaire.horaires": "", "ITINERANCE": "%(itin)s", "FORMAT_FS": "%(format)s", "X._groupe": null, '
    '"Groupe": "", "Goupe_France_Services_responsable": null, "Goupe_Antennes": "", '
    '"Labellisation": "Espace labellisé 01\\/2020", "categorie": "%(cat)s" }, '
    '"geometry": { "type": "Point", "coordinates": [ %(lon)s, %(lat)s ] } }')


def feature(id_, dep, com, cp, town, lat, lon, itin, fmt, cat):
    return FEATURE_2021 % {"id": id_, "dep": dep, "name": f"France services {town}", "com": com, "cp": cp,
                           "town": town, "town_upper": town.upper(), "lat": lat, "lon": lon, "itin": itin,
                           "format": fmt, "cat": cat}


def test_2021_geojson_categories_and_corsican_codes(tmp_path):
    features = [
        feature("2.0", "1", "01388", "01560", "Saint-Trivier-de-Courtes", 46.45916, 5.083785, "", "Espace labellisé", "FS"),
        feature("3.0", "2", "02361", "02120", "Guise", 49.90147, 3.626688, "Oui", "Espace labellisé", "FS itinerante"),
        feature("8.0", "3", "03190", "03000", "Moulins", 46.56853, 3.333844, "Oui", "Espace labellisé", "FS itinérante"),
        feature("626.0", "51", "51423", "51340", "Pargny-sur-Saulx", 48.768497, 4.83503, "", "Antenne", "Antenne"),
        feature("677.0", "12", "12068", "12240", "Colombiès", 44.345529, 2.339581, "Oui", "Antenne",
                "Antenne itinerante"),
        feature("701.0", "2B", "2B14", "20226", "Belgodère", 42.5878, 9.0178, "", "Espace labellisé", "FS"),
        feature("702.0", "2A", "2A04", "20167", "Afa", 41.9836, 8.7836, "", "Espace labellisé", "Antenne itinérante"),
    ]
    con, res = load(tmp_path, "france_services.geojson", (GEOJSON_2021 % ",\n".join(features)).encode())
    assert (res.rows_read, res.rows_loaded, res.rows_rejected) == (7, 7, 0)
    assert res.files[0].vintage == "2021 (GeoJSON)" and res.warnings == []
    rows = con.execute("select id_fs, insee_dep, insee_com, site_type, itinerant, _vintage from raw.france_services "
                       "order by _row").fetchall()
    assert rows == [
        ("2.0", "1", "01388", "Principal", "non", "2021 (GeoJSON)"),
        ("3.0", "2", "02361", "Principal", "oui", "2021 (GeoJSON)"),
        ("8.0", "3", "03190", "Principal", "oui", "2021 (GeoJSON)"),
        ("626.0", "51", "51423", "Antenne", "non", "2021 (GeoJSON)"),
        ("677.0", "12", "12068", "Antenne", "oui", "2021 (GeoJSON)"),
        ("701.0", "2B", "2B014", "Principal", "non", "2021 (GeoJSON)"),
        ("702.0", "2A", "2A004", "Antenne", "oui", "2021 (GeoJSON)")]
    # The two Corsican codes were corrected by their département, each correction in the per-field report.
    assert con.execute("select line, column_name, original_value, retained_value, rule from raw._field_report "
                       "order by line").fetchall() == [
        (11, "insee_com", "2B14", "2B014", "code commune corse sans son zéro, rendu par le département 2B"),
        (12, "insee_com", "2A04", "2A004", "code commune corse sans son zéro, rendu par le département 2A")]
    assert res.corrections == 2


HEADER_2022 = ('"id_fs","insee_dep","lib_fs","adresse","complement_adresse","insee_com","code_postal","lib_com",'
               '"latitude","longitude","mail","telephone","h_lundi","h_mardi","h_mercredi","h_jeudi","h_vendredi",'
               '"h_samedi","prise_rdv","commentaire","itinerance","format_fs","groupe_fs","labellisation_fs"\n')
ROW_2022 = ('"%s","01","France services %s","1 place de la Mairie",,"%s","%s","%s",%s,%s,"","","09:00 - 12:00",'
            '"09:00 - 12:00",,,,,"Non",,"%s","%s",,"Espace labellisé 01/12/2022"\n')


def test_2022_csv_provisional_ids_format_and_itinerance(tmp_path):
    rows = [("1", "Valserhône", "01033", "01200", "Valserhône", 46.1060711578546, 5.8260084241619, "Non", "Site principal"),
            ("2", "Guise", "01388", "01560", "Saint-Trivier-de-Courtes", 46.45916, 5.083785, "Oui", "Site principal"),
            ("temp_1", "Culoz", "01138", "01350", "Culoz-Béon", 45.8475, 5.785, "", "Antenne"),
            ("temp_159", "Belley", "01034", "01300", "Belley", 45.7594, 5.6881, "Oui", "Antenne"),
            ("temp_2", "Gex", "01173", "01170", "Gex", 46.3331, 6.0578, "Non", "Point d'accueil")]
    text = HEADER_2022 + "".join(ROW_2022 % r for r in rows)
    con, res = load(tmp_path, "liste-fs-20221201.csv", text.encode())
    assert (res.rows_read, res.rows_loaded, res.rows_rejected) == (5, 5, 0)
    assert res.files[0].vintage == "2022 (CSV)"
    assert con.execute("select id_fs, site_type, itinerant from raw.france_services order by _row").fetchall() == [
        ("1", "Principal", "non"), ("2", "Principal", "oui"), ("temp_1", "Antenne", "non"),
        ("temp_159", "Antenne", "oui"), ("temp_2", None, "non")]
    # A spelling the vintage does not know is "non renseigné", never a default, and said twice: the warning
    # of the run report and the per-field report line for the publisher.
    assert res.warnings == ["colonne « format_fs » : valeur(s) inconnue(s) du millésime 2022 (CSV) (« Point d'accueil ») : "
                            "« non renseigné » pour ces lignes (voir le rapport par champ)"]
    assert con.execute("select line, column_name, original_value, retained_value from raw._field_report"
                       ).fetchall() == [(6, "format_fs", "Point d'accueil", None)]


def test_2024_csv_and_a_renamed_optional_column(tmp_path, shared_data):
    """The 2024 header line as published; then the same file with type_fs renamed typologie_fs: every site still
    loads, their type is "non renseigné" and the run is told why (not every antenna turned into a main site)."""
    header = (shared_data / "anct_france_services_2024" / "liste-fs-20240801.csv").open(encoding="utf-8").readline()
    assert header.startswith('"id_fs","insee_dep","lib_fs"') and '"type_fs","format_fs"' in header
    rows = ('"1","01","France services de Valserhône","5-9 Rue des Papetiers",,"01033","01200","Valserhône",'
            '46.1060711578546,5.8260084241619,"franceservices@ccpb01.fr","04 50 56 87 49","13:30 - 17:00",,,,,,"Non",,'
            '"Principal","Fixe",,"Espace labellisé 01/01/2020"\n'
            '"3","02","Bus France services Thiérache Sambre et Oise","6 Rue André Godin",,"02361","02120","Guise",'
            '49.90147,3.626688,"busfranceservices@cctso.fr","07 85 78 24 48","09:30 - 16:30",,,,,,"Non",,"Principal",'
            '"Bus_équivalent",,"Espace labellisé 01/01/2020"\n'
            '"99","15","France services Neussargues en Pinatelle","25 Rue de la gare",,"15141","15170",'
            '"Neussargues en Pinatelle",45.125629,2.976712,"mdstneussargues@hautesterres.fr","04 71 23 13 62",'
            '"09:00 - 12:00",,,,,,"Oui",,"Antenne","Fixe","Murat","Espace labellisé 01/01/2020"\n'
            '"120","19","France services itinérante de Haute-Corrèze","Place de la mairie",,"19031","19200","Ussel",'
            '45.5478,2.3097,,,,,,,,,"Non","Passage le\nmardi","Antenne","Itinérante",,"Espace labellisé 01/07/2021"\n')
    con, res = load(tmp_path, "liste-fs-20240801.csv", (header + rows).encode())
    assert (res.rows_loaded, res.files[0].vintage, res.warnings) == (4, "2024 (CSV)", [])
    assert con.execute("select id_fs, site_type, itinerant, _line from raw.france_services order by _row").fetchall() == [
        ("1", "Principal", "non", 2), ("3", "Principal", "oui", 3), ("99", "Antenne", "non", 4),
        ("120", "Antenne", "oui", 5)]

    renamed = header.replace('"type_fs"', '"typologie_fs"')
    con, res = load(tmp_path, "liste-fs-renamed.csv", (renamed + rows).encode())
    assert res.rows_loaded == 4
    assert res.warnings == ["colonne facultative « type_fs » absente : pas de type : les antennes ne sont pas "
                            "distinguées des sites principaux (« non renseigné »)"]
    assert con.execute("select site_type, itinerant from raw.france_services order by _row").fetchall() == [
        (None, "non"), (None, "oui"), (None, "non"), (None, "oui")]
    assert con.execute("select vintage, warnings from raw._manifest").fetchone() == ("2024 (CSV)", res.warnings[0])


def test_the_real_2024_file_counts(shared_data, tmp_path):
    """The shared 2024 file: every site loaded, 124 antennas, 163 itinerant sites (134 buses, 29 itinérantes)."""
    con, res = load(tmp_path, "liste-fs-20240801.csv",
                    (shared_data / "anct_france_services_2024" / "liste-fs-20240801.csv").read_bytes())
    assert (res.rows_read, res.rows_loaded, res.rows_rejected) == (2845, 2845, 0)
    assert con.execute("select count(*) filter (where site_type = 'Antenne'), count(*) filter (where itinerant = 'oui'), "
                       "count(*) filter (where site_type is null or itinerant is null) from raw.france_services"
                       ).fetchone() == (124, 163, 0)


def test_renamed_type_column_through_a_refresh_says_non_renseigne(tmp_path, demo_run, demo_mirror, monkeypatch):
    """The demo's France Services file with type_fs renamed typologie_fs, refreshed by the real job: every site is
    still counted, none is called a main site or an antenna by default (the marts count them « non renseigné »),
    and the run report, marts.meta_sources and the Méthodologie page say why."""
    import shutil

    from streamlit.testing.v1 import AppTest

    from ingest.config import PROJECT_ROOT, load_settings
    from orchestration.run import refresh
    from tests.conftest import seeded_config

    settings0, _ = demo_run
    mirror = tmp_path / "mirror"
    shutil.copytree(demo_mirror[0], mirror)
    fs = mirror / "anct" / "liste-fs-20240801.csv"
    fs.write_bytes(fs.read_bytes().replace(b'"type_fs"', b'"typologie_fs"', 1))
    cfg = seeded_config(tmp_path, mirror, settings0.published_path)
    settings = load_settings(cfg)
    result = refresh(str(cfg), job_name="refresh_monthly")   # the France Services list's own (monthly) job
    assert result.success
    con = duckdb.connect(str(settings.published_path), read_only=True)
    n_fs, principal, antenne, unknown = con.execute(
        "select sum(n_france_services), sum(n_france_services_principal), sum(n_france_services_antenne), "
        "sum(n_france_services_type_non_renseigne) from marts.fct_coverage_epci").fetchone()
    assert n_fs > 0 and (principal, antenne, unknown) == (0, 0, n_fs)
    warning = con.execute("select warnings from marts.meta_sources where source_name = 'france_services'").fetchone()[0]
    assert warning == ("colonne facultative « type_fs » absente : pas de type : les antennes ne sont pas distinguées "
                       "des sites principaux (« non renseigné »)")
    assert con.execute("select count(*) from ops.refresh_checks where run_id = ? and asset = 'raw/france_services' "
                       "and severity = 'avertissement' and message like '%pas de type : les antennes%'",
                       [result.run_id]).fetchone()[0] == 1
    con.close()

    monkeypatch.setenv("OBSERVATOIRE_CONFIG", str(cfg))
    page = AppTest.from_string(f"import sys\nsys.path.insert(0, {str(PROJECT_ROOT)!r})\n"
                               "from dashboards.views import methodologie\nmethodologie.render()\n", default_timeout=60)
    page.run()
    assert not page.exception, [e.value for e in page.exception]
    assert any("pas de type : les antennes ne sont pas distinguées" in w.value for w in page.warning)


# The real 2022 file, as archived by github.com/anct-cartographie-nationale/mednum-cli,
# assets/input/france-services/liste-fs-20221201.csv (commit ec7ecc1c): no prise_rdv, "groupe" and
# "labellisation" (not groupe_fs / labellisation_fs), a site without coordinates (id 520), overseas codes
# (972, 974), provisional ids temp_N and an opening-hours field holding a blank line (temp_148).
HEADER_2022_REAL = ('"id_fs","insee_dep","lib_fs","adresse","complement_adresse","insee_com","code_postal","lib_com",'
                    '"latitude","longitude","mail","telephone","h_lundi","h_mardi","h_mercredi","h_jeudi","h_vendredi",'
                    '"h_samedi","commentaire","itinerance","format_fs","groupe","labellisation"\n')
ROWS_2022_REAL = (
    '"3","02","Bus France services Thiérache Sambre et Oise","6 Rue André Godin",,"02361","02120","Guise",49.90147,'
    '3.626688,"busfranceservices@cctso.fr","07 85 78 24 48","09:30 - 16:30","09:30 - 16:30","09:30 - 16:30",'
    '"09:30 - 16:30","09:30 - 16:30",,,"Oui","Site principal",,"Espace labellisé 01/01/2020"\n'
    '"520","88","Fraize - Antenne de Corcieux","337 Rue de la Gare",,"88115","88430","CORCIEUX",,,'
    '"isabelle.kuhn@ca-saintdie.fr","03 29 50 73 10","09:00 - 11:45 / 14:30 - 16:45","08:15 - 11:30 / 13:30 - 16:45",,'
    '"13:30 - 17:00",,,,"Non","Site principal",,"Espace labellisé 01/01/2022"\n'
    '"521","88","France services Bruyères - Antenne de Docelles","9 Rue de la Libération",,"88135","88460","Docelles",'
    '48.144709,6.617595,"m.miatta@cc-bruyeres.fr","03 29 35 68 25",,"08:30 - 12:30",,,"13:00 - 16:30",,,"Non",'
    '"Antenne","Bruyères","Espace labellisé 01/01/2020"\n'
    '"555","972","France services Le Lorrain","9 Rue des sapotilles Lotissement Prébourg",,"97214","97214",'
    '"Le Lorrain",14.832003,-61.05498,"franceservices@villedulorrain.com","05 96 53 20 87",'
    '"07:00 - 13:00 / 14:00 - 17:00",,,,,,,"Non","Site principal",,"Espace labellisé 01/09/2020"\n'
    '"561","974","France services Makes","1 Chemin Rosinand Nativel",,"97414","97421","Saint-Louis",-21.209,55.40355,'
    '"mfs.lesmakes@ccas-stlouis.fr","02 62 37 80 39","08:00 - 16:00",,,,,,,"Non","Site principal",,'
    '"Espace labellisé 01/01/2020"\n'
    '"temp_148","82","France services Montauban","7 rue martin du Gard","Cité Monplaisir","82121","82000","Montauban",'
    '44.015607,1.383336,"franceservicesmontauban@montauban-services.org","05 63 91 92 92","13:00-18:00",'
    '"09:30-13:00/14:00-19:00","09:30-12:30/13:30-18:00","09:00-12:00","09:30-12:30/\n\n 13:30-18:00","10:00-13:00",,'
    '"Non","Site principal",,"Espace labellisé 01/12/2022"\n')


def test_2022_csv_real_header(tmp_path):
    """The header of the real 2022 file loads every site (it did before this test: evidence, not a fix), a site
    without coordinates included, codes and ids as published."""
    con, res = load(tmp_path, "liste-fs-20221201.csv", (HEADER_2022_REAL + ROWS_2022_REAL).encode())
    assert (res.rows_read, res.rows_loaded, res.rows_rejected, res.warnings) == (6, 6, 0, [])
    assert res.files[0].vintage == "2022 (CSV)"
    assert con.execute("select id_fs, insee_dep, insee_com, latitude, site_type, itinerant, groupe, _line "
                       "from raw.france_services order by _row").fetchall() == [
        ("3", "02", "02361", "49.90147", "Principal", "oui", None, 2),
        ("520", "88", "88115", None, "Principal", "non", None, 3),
        ("521", "88", "88135", "48.144709", "Antenne", "non", "Bruyères", 4),
        ("555", "972", "97214", "14.832003", "Principal", "non", None, 5),
        ("561", "974", "97414", "-21.209", "Principal", "non", None, 6),
        ("temp_148", "82", "82121", "44.015607", "Principal", "non", None, 7)]
