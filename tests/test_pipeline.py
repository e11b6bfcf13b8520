"""End to end on the generated demo territory: the real Dagster job (ingestion, dbt build with its
tests, publication) and the marts compared with what the generator knows it produced."""

from __future__ import annotations

import pytest


def rows(con, sql, params=()):
    return con.execute(sql, list(params)).fetchall()


def test_job_succeeds_and_dbt_tests_pass(demo_run):
    settings, result = demo_run
    assert result.success
    checks = [e for e in result.all_events if e.event_type_value == "ASSET_CHECK_EVALUATION"]
    assert len(checks) >= 40, "dbt tests should run as asset checks"
    failed = [e.event_specific_data.check_name for e in checks if not e.event_specific_data.passed]
    assert failed == []
    assert settings.published_path.exists()
    assert not settings.build_path.exists(), "the build file is swapped in, not left behind"


def test_every_row_accounted_for(demo_warehouse, demo_mirror):
    manifest = rows(demo_warehouse, "select source_name, rows_read, rows_loaded, rows_rejected from marts.meta_sources")
    assert {m[0] for m in manifest} == {"cog_communes", "populations", "communes_geo", "tierslieux_2019",
                                        "france_services", "mobpro_flows", "subventions", "surveys", "occupancy_counts",
                                        # referential sources of the demo (config/demo.toml)
                                        "communes_etalab", "epci_etalab", "departements_etalab", "regions_etalab",
                                        "grille_densite", "typologie_ruralite", "programme_laureates", "epci_centroids",
                                        "conseillers_numeriques", "admin_contours", "mobpro_detail",
                                        "listes_lieux"}   # the regional network's list (ingest/demo/listes.py)
    for source, read, loaded, rejected in manifest:
        assert read == loaded + rejected, source
    for source in {m[0] for m in manifest}:
        loaded = sum(m[2] for m in manifest if m[0] == source)
        rejected = sum(m[3] for m in manifest if m[0] == source)
        assert demo_warehouse.execute(f'select count(*) from raw."{source}"').fetchone()[0] == loaded
        assert demo_warehouse.execute(f'select count(*) from raw."{source}_rejects"').fetchone()[0] == rejected


def test_communes_and_population(demo_warehouse, demo_mirror):
    truth = demo_mirror[1]
    n, pop = demo_warehouse.execute("select count(*), sum(population) from marts.dim_commune").fetchone()
    assert n == truth["n_communes"]  # the COMD rows of the COG file are not communes
    assert pop == truth["population_total"]
    by_epci = dict(rows(demo_warehouse, "select epci_code, population from marts.dim_epci"))
    assert by_epci == truth["population_by_epci"]
    codes = [r[0] for r in rows(demo_warehouse, "select commune_code from marts.dim_commune")]
    assert all(isinstance(c, str) and len(c) == 5 for c in codes)


def test_places_per_epci(demo_warehouse, demo_mirror):
    truth = demo_mirror[1]["places_by_epci"]
    got = {r[0]: {"coworking": r[1], "fablab": r[2], "non_renseigne": r[3], "total": r[4]} for r in rows(
        demo_warehouse,
        "select epci_code, n_coworking, n_fablab, n_type_non_renseigne, n_tiers_lieux from marts.fct_coverage_epci")}
    assert got == truth
    assert any(v["total"] == 0 for v in got.values()), "the demo has EPCI without any tiers-lieu"


def test_sentinel_places_placed_by_coordinates(demo_warehouse, demo_mirror):
    for s in demo_mirror[1]["sentinel_places"]:
        commune, method = demo_warehouse.execute(
            "select commune_code, placement_method from marts.dim_place where place_id = ?",
            ["TL2019-" + s["id"]]).fetchone()
        assert (commune, method) == (s["insee_com"], "coordonnees_commune_la_plus_proche")


def test_france_services_per_canton(demo_warehouse, demo_mirror):
    truth = demo_mirror[1]
    got = {r[0]: {"principal": r[1], "antenne": r[2], "total": r[3]} for r in rows(
        demo_warehouse, "select canton_code, n_france_services_principal, n_france_services_antenne, "
                        "n_france_services from marts.fct_coverage_canton")}
    assert got == truth["france_services_by_canton"]
    without = [r[0] for r in rows(demo_warehouse, "select canton_code from marts.fct_coverage_canton "
                                                  "where not has_france_services order by canton_code")]
    assert without == truth["cantons_without_france_services"]


def test_commuters_per_epci(demo_warehouse, demo_mirror):
    flows = demo_mirror[1]["flows"]
    got = {r[0]: r[1:] for r in rows(demo_warehouse, "select epci_code, active_residents, commuters_out_of_commune, "
                                                     "commuters_out_of_epci from marts.fct_commuting_epci")}
    assert set(got) == set(flows["commuters_out_of_epci"])
    for epci, (active, out_commune, out_epci) in got.items():
        assert active == pytest.approx(flows["active_residents_by_epci"][epci], abs=1e-6)
        assert out_commune == pytest.approx(flows["commuters_out_of_commune_by_epci"][epci], abs=1e-6)
        assert out_epci == pytest.approx(flows["commuters_out_of_epci"][epci], abs=1e-6)


def test_grants(demo_warehouse, demo_mirror):
    grants = demo_mirror[1]["grants"]
    by_funder = dict(rows(demo_warehouse, "select funder_name, amount_eur from marts.fct_funding_funder"))
    assert by_funder.keys() == grants["amount_by_funder"].keys()
    for funder, amount in by_funder.items():
        assert amount == pytest.approx(grants["amount_by_funder"][funder], abs=0.005)
    by_epci = dict(rows(demo_warehouse, "select epci_code, amount_to_places_eur from marts.fct_funding_epci"))
    for epci, amount in grants["amount_to_places_by_epci"].items():
        assert by_epci[epci] == pytest.approx(amount, abs=0.005), epci
    (n,) = demo_warehouse.execute("select count(*) from marts.fct_grants where place_id is not null").fetchone()
    assert n == grants["n_grants_to_places"]


def test_survey_waves(demo_warehouse, demo_mirror):
    surveys = demo_mirror[1]["surveys"]
    for wave, expected in surveys.items():
        n, desks = demo_warehouse.execute(
            "select count(*), sum(desks) from marts.fct_attendance_place where wave_year = ?", [int(wave)]).fetchone()
        assert n == expected["respondents"]
        assert desks == expected["desks_total"]
        by_epci = dict(rows(demo_warehouse, "select epci_code, visitors_per_week from marts.fct_attendance_epci "
                                            "where wave_year = ? and visitors_per_week > 0", [int(wave)]))
        assert by_epci == {k: v for k, v in expected["visitors_per_week_by_epci"].items() if v}
    (unmatched,) = demo_warehouse.execute(
        "select count(*) from marts.fct_attendance_place where place_id is null").fetchone()
    assert unmatched == 0
