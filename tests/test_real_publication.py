"""The real public files of ../shared/data, published by the documented command
(``OBSERVATOIRE_CONFIG=config/shared-data.toml python -m orchestration.run``: the Dagster job with its
quality gate, no shortcut), then the published marts compared with figures computed independently of
the project's code from the publishers' raw files (tests/real_expected.py: csv, json and numpy only).

The survey source of config/shared-data.toml is the blank questionnaire (no real survey is public): the
same run checks that a publication goes through with an empty optional source and says so.
"""

from __future__ import annotations

import pytest

import real_expected as expected  # tests/real_expected.py: independent computations, no project import


@pytest.fixture(scope="module")
def published(real_warehouse):
    con, data, settings = real_warehouse
    return con, data


def test_the_documented_command_publishes_and_says_the_survey_source_is_empty(real_publication):
    proc, settings = real_publication
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-6000:]
    assert settings.published_path.exists()
    out = proc.stdout
    assert "Entrepôt publié" in out
    # The empty optional source is reported in French in the run's summary, not blocking.
    assert "raw/surveys" in out and "source vide" in out and "aucune enquête reçue" in out
    # Column constraints declared `constraint_severity: warn` stay warnings (17 Mayotte communes have no legal
    # population): dim_commune's column_rules test only warns, the run publishes and lists the warning.
    assert "population : valeur renseignée" in out and "[avertissement]" in out


def test_france_services_placed_per_commune_and_the_two_of_saint_martin_reported(published):
    con, data = published
    placed, unplaced = expected.france_services_placement(data)
    got = dict(con.execute("select commune_code, count(*) from marts.dim_place where place_family = 'france_services' "
                           "group by all").fetchall())
    assert sum(got.values()) == sum(placed.values()) == 2843
    assert got == placed
    reported = con.execute("select published_code, reason from marts.quality_unplaced_rows "
                           "where source_name = 'france_services'").fetchall()
    assert sorted(code for code, _ in reported) == sorted(code for _, code in unplaced) == ["97801", "97801"]
    assert all(reason for _, reason in reported)


def test_real_cantons_without_france_services(published):
    con, data = published
    real = expected.real_cantons(data)
    without = expected.cantons_without_france_services(data)
    assert (len(real), len(without)) == (1822, 407)
    got_real = {r[0] for r in con.execute("select distinct canton_code from marts.dim_commune "
                                           "where canton_status = 'canton'").fetchall()}
    assert got_real == real
    served = {r[0] for r in con.execute(
        "select distinct c.canton_code from marts.dim_place p join marts.dim_commune c using (commune_code) "
        "where p.place_family = 'france_services' and c.canton_status = 'canton'").fetchall()}
    assert real - served == without


def test_population_and_every_commune_centre(published):
    con, data = published
    population, with_centre, n_without = con.execute(
        "select sum(population), sum(population) filter (where latitude is not null), "
        "count(*) filter (where latitude is null) from marts.dim_commune").fetchone()
    assert population == expected.population_total(data) == 66_988_403
    assert with_centre / population >= 0.999
    # Communes without a centre are listed with their reason, never silently dropped.
    listed = con.execute("select count(*) from marts.quality_commune_centres where problem = 'sans_centre'").fetchone()[0]
    assert listed == n_without


def test_paris_and_marseille_centres_in_their_own_city(published):
    con, _ = published
    centres = dict((code, (lat, lon)) for code, lat, lon in con.execute(
        "select commune_code, latitude, longitude from marts.dim_commune where commune_code in ('75056', '13055')"
    ).fetchall())
    # Notre-Dame de Paris and the Vieux-Port of Marseille: each centre within 6 km of its city's heart.
    assert expected.haversine_km(*centres["75056"], 48.853, 2.349) < 6
    assert expected.haversine_km(*centres["13055"], 43.295, 5.374) < 6
    rejected = dict(con.execute("select commune_code, reason from marts.quality_commune_centres "
                                "where problem = 'centre_rejete'").fetchall())
    # The communes-france extract swaps the centres of Paris and Marseille: both rejected, with a reason.
    assert {"75056", "13055"} <= set(rejected)
    assert "hors de son département" in rejected["75056"]


def test_inventory_regions_equal_the_file_except_rows_whose_code_or_postcode_says_otherwise(published):
    con, data = published
    inventory = expected.inventory_regions(data)
    assert inventory["rows"] == 1512
    got = dict(con.execute("select replace(place_id, 'TL2019-', ''), region_code from marts.dim_place "
                           "where source_name = 'tierslieux_2019'").fetchall())
    rows = expected._read_csv(data / "cget_tierslieux_2019" / "CGET_TiersLieux_2019.csv")
    by_code = {d["ID"]: d for d in inventory["disagreements"]}
    by_postcode = {w["ID"]: w for w in inventory["without_code"]}
    differences = []
    for r in rows:
        file_region = r["INSEEREG"].strip()
        if got.get(r["ID"]) == file_region:
            continue
        if r["ID"] in by_code:   # the published commune code says another région (or the file's is empty)
            assert got.get(r["ID"]) == by_code[r["ID"]]["region_from_code"], by_code[r["ID"]]
            differences.append((r["ID"], by_code[r["ID"]]["reason"]))
        elif r["ID"] in by_postcode and by_postcode[r["ID"]]["region_from_postcode"] not in (None, file_region):
            assert got.get(r["ID"]) == by_postcode[r["ID"]]["region_from_postcode"], by_postcode[r["ID"]]
            differences.append((r["ID"], f"code postal {r['CP']} en région {got.get(r['ID'])}"))
        else:
            pytest.fail(f"ligne ID {r['ID']} ({r['NOM_TL']}) : région {got.get(r['ID'])} publiée, "
                        f"INSEEREG {file_region!r} dans le fichier, sans raison du code ni du code postal")
    for row_id, reason in differences:
        print(f"  inventaire 2019, ID {row_id} : {reason}")
    assert len(got) == 1512   # every row placed
    assert 0 < len(differences) <= 12
    # The product lists exactly those rows, each with the evidence that placed it.
    listed = dict(con.execute("select replace(place_id, 'TL2019-', ''), reason "
                              "from marts.quality_place_published_region").fetchall())
    assert set(listed) == {row_id for row_id, _ in differences}
    assert "14327" in listed["1460"] and all(listed.values())


def test_national_access_share_to_france_services_matches_an_independent_computation(published):
    con, data = published
    centres = {code: (lat, lon) for code, lat, lon in con.execute(
        "select commune_code, latitude, longitude from marts.dim_commune where latitude is not null").fetchall()}
    population = expected.population_by_commune(data)
    facilities = [(lat, lon, expected.land_mass(code)) for lat, lon, code in expected.france_services_points(data)]
    group = {code: expected.land_mass(code) for code in centres}
    published_shares = dict(con.execute(
        "select distance_km, share_within from marts.fct_access_territory "
        "where territory_level = 'national' and kind = 'france_services'").fetchall())
    for km in (5, 10, 20):
        independent = expected.share_population_within_km(centres, population, facilities, km, group)
        print(f"  part de la population à {km} km d'une France Services : publiée "
              f"{published_shares[km]:.4f}, calcul indépendant {independent:.4f}")
        assert abs(published_shares[km] - independent) <= 0.005
    base = con.execute("select share_population_base from marts.fct_access_territory "
                       "where territory_level = 'national' and kind = 'france_services' and distance_km = 10").fetchone()[0]
    assert base >= 0.999


def test_overseas_communes_are_served_within_their_own_territory(published):
    con, _ = published
    worst = con.execute(
        "select max(k.nearest_km) from marts.fct_access_commune_kind k join marts.dim_commune c using (commune_code) "
        "where c.land_mass = '974' and k.kind = 'france_services'").fetchone()[0]
    assert worst is not None and worst < 60   # La Réunion is 70 km across
    mean_km = con.execute("select mean_nearest_km_per_inhabitant from marts.fct_access_territory "
                          "where territory_level = 'national' and kind = 'coworking' and distance_km = 10").fetchone()[0]
    assert mean_km < 50


def test_points_outside_their_commune_s_departement_are_not_used(published):
    """A host structure of conseillers numériques in Saint-Georges (Guyane) geocoded in Saône-et-Loire,
    the SICTIAM tiers-lieu (code in Normandie, point in Sophia Antipolis): their commune's centre is used."""
    con, _ = published
    labels = dict(con.execute("select label_id, commune_code from marts.dim_programme_label "
                              "where coordinates_status = 'centre_commune_coordonnees_hors_departement'").fetchall())
    assert labels.get("1291") == "97308" and len(labels) >= 3
    lat = con.execute("select latitude from marts.dim_programme_label where label_id = '1291'").fetchone()[0]
    assert 2 < lat < 6   # Guyane, not the mainland
    places = dict(con.execute("select place_id, coordinates_note from marts.quality_place_coordinates").fetchall())
    assert "TL2019-1460" in places and "14327" in places["TL2019-1460"]


def test_one_conseillers_numeriques_funding_figure(published):
    """The conseillers numériques funding is one figure: the national row of the territory marts is the funder
    mart's « localisé » line, the structures published without a commune code its « non localisé » line (7
    structures, 455,745 € in the real cnfs.json), and both add up to the published total."""
    con, data = published
    total, unplaced, n_unplaced = expected.conseillers_numeriques_investment(data)
    lines = {r[0]: r[1:] for r in con.execute(
        "select placement, n_items, amount_eur from marts.fct_funding_funder_programme "
        "where basis = 'estimation_programme' and programme_code = 'conseiller_numerique'").fetchall()}
    national = con.execute("select estimated_conseiller_numerique_eur from marts.fct_funding_territory "
                           "where territory_level = 'national'").fetchone()[0]
    assert lines["non_localise"] == (n_unplaced, pytest.approx(unplaced))
    assert lines["localise"][1] == pytest.approx(national) == pytest.approx(total - unplaced)
    # No Petites villes de demain file in ../shared/data: "non disponible" (null), never 0.
    assert con.execute("select n_label_petite_ville_demain, n_label_campus_connecte from marts.fct_coverage_territory "
                       "where territory_level = 'national'").fetchone() == (None, None)
