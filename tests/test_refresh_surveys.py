"""Survey-only refresh on a real Dagster instance: a new survey file dropped in the inbox makes the
sensor request a ``refresh_surveys`` run; that run publishes a warehouse where the new wave appears
and every mart outside the surveys' downstream graph is unchanged."""

from __future__ import annotations

import shutil

import dagster as dg
import duckdb
import pytest

from ingest.config import load_settings
from orchestration.exports import exports_dir
from test_analysts import check_exports
from tests.conftest import seeded_config, write_config


def _table_rows(path, tables: list[str]) -> dict[str, list]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return {t: con.execute(f"select * from marts.{t} order by all").fetchall() for t in tables}
    finally:
        con.close()


def test_inbox_file_triggers_survey_refresh_and_publishes(tmp_path, demo_run, demo_mirror):
    from orchestration.definitions import build_definitions
    from orchestration.schedules import SURVEY_JOB

    settings0, result0 = demo_run
    assert result0.success
    inbox = tmp_path / "inbox"
    cfg = seeded_config(tmp_path, demo_mirror[0], settings0.published_path,   # the current publication
                        f'[inbox]\npath = "{inbox}"\n')
    settings = load_settings(cfg)
    shutil.copytree(exports_dir(settings0), exports_dir(settings))   # ... and its exports

    defs = build_definitions(settings)
    repo = defs.get_repository_def()
    job = defs.resolve_job_def(SURVEY_JOB)
    selected = {k.to_user_string() for k in job.asset_layer.selected_asset_keys}
    assert "raw/surveys" in selected and "warehouse/published" in selected
    assert not ({f"raw/{s}" for s in settings.sources} - {"raw/surveys", "raw/occupancy_counts"}) & selected
    assert any(k.startswith("marts/") for k in selected)

    con = duckdb.connect(str(settings.published_path), read_only=True)
    try:
        marts = [r[0] for r in con.execute("select table_name from information_schema.tables "
                                           "where table_schema = 'marts' and table_type = 'BASE TABLE'").fetchall()]
        waves_before = {r[0] for r in con.execute("select wave_year from marts.fct_attendance_wave").fetchall()}
    finally:
        con.close()
    # Marts outside the surveys' downstream graph (from dbt's graph, not a hard-coded list).
    untouched = sorted(m for m in marts if f"marts/{m}" not in selected and not m.startswith("meta_"))
    assert "dim_commune" in untouched and "fct_attendance_wave" not in untouched
    # The marts describing the publication are rebuilt by every job (else the dashboard's « données
    # publiées le » would show the previous publication's date).
    assert {"marts/meta_publication", "marts/meta_sources"} <= selected
    built_before = _table_rows(settings.published_path, ["meta_publication"])["meta_publication"][0][-1]
    before = _table_rows(settings.published_path, untouched)
    new_year = max(waves_before) + 1
    # Relations an earlier version of the project left (a retired mart, a renamed test's stored rows, a
    # view) go at the next refresh; a table of a schema dbt does not write stays.
    con = duckdb.connect(str(settings.published_path))
    try:
        con.execute("create table marts.fct_retired as select 1 as n_places")
        con.execute("create table dbt_test__audit.column_conventions_fct_retired_ as select 'x' as rule")
        con.execute("create view staging.stg_retired as select 1 as x")
        con.execute("create table raw.hand_made as select 1 as x")
    finally:
        con.close()

    (tmp_path / "dagster_home").mkdir()
    with dg.instance_for_test(temp_dir=str(tmp_path / "dagster_home")) as instance:
        sensor = repo.get_sensor_def("survey_inbox_sensor")
        assert sensor.job_name == SURVEY_JOB
        # The newest wave of the mirror, one year later, dropped in the inbox.
        latest = max(demo_mirror[0].rglob("enquete_*.csv"))
        text = latest.read_bytes().decode("utf-8-sig")
        eol = "\r\n" if "\r\n" in text else "\n"
        lines = text.split(eol)
        year = str(max(waves_before))
        lines = [lines[0]] + [str(new_year) + line[len(year):] if line.startswith(year + ";") else line
                              for line in lines[1:]]
        inbox.mkdir()
        (inbox / "~$brouillon.xlsx").write_bytes(b"lock")       # an Office lock file is ignored
        (inbox / f"enquete_{new_year}.csv").write_bytes(eol.join(lines).encode("utf-8-sig"))
        tick = sensor.evaluate_tick(dg.build_sensor_context(instance=instance, repository_def=repo))
        assert len(tick.run_requests) == 1
        request = tick.run_requests[0]
        assert request.job_name in (None, SURVEY_JOB)
        assert f"enquete_{new_year}.csv" in request.run_key and "brouillon" not in request.run_key

        result = job.execute_in_process(instance=instance, tags=request.tags, raise_on_error=False)
        assert result.success, [e.message for e in result.all_events if e.is_step_failure]

    con = duckdb.connect(str(settings.published_path), read_only=True)
    try:
        waves_after = {r[0] for r in con.execute("select wave_year from marts.fct_attendance_wave").fetchall()}
        sources = {r[0] for r in con.execute("select source from ops.refresh_sources where run_id = ?",
                                             [result.run_id]).fetchall()}
        run = con.execute("select status, published from ops.refresh_runs where run_id = ?",
                          [result.run_id]).fetchone()
    finally:
        con.close()
    assert waves_after == waves_before | {new_year}
    con = duckdb.connect(str(settings.published_path), read_only=True)
    try:
        left = {r[0] for r in con.execute("select schema_name || '.' || table_name from duckdb_tables() union all "
                                          "select schema_name || '.' || view_name from duckdb_views()").fetchall()}
    finally:
        con.close()
    assert not left & {"marts.fct_retired", "dbt_test__audit.column_conventions_fct_retired_", "staging.stg_retired"}
    assert "raw.hand_made" in left and "marts.dim_commune" in left and "staging.stg_surveys" in left
    assert run == ("succès", True)
    assert sources <= {"surveys", "occupancy_counts"} and "surveys" in sources
    assert _table_rows(settings.published_path, untouched) == before
    assert _table_rows(settings.published_path, ["meta_publication"])["meta_publication"][0][-1] > built_before
    latest_surveys = _table_rows(settings.published_path, ["meta_sources"])["meta_sources"]
    assert any(f"enquete_{new_year}.csv" in str(row) for row in latest_surveys), "meta_sources names the new file"
    # The exports of the marts the run did not rebuild are linked from the previous exports (they
    # belong to the publication the run started from), the others written again: all hold the marts.
    published = result.asset_materializations_for_node("warehouse__published")[0].metadata
    reused = set(published["exports_parquet_reused"].value)
    assert set(untouched) <= reused and not reused & {k.split("/")[-1] for k in selected}
    con = duckdb.connect(str(settings.published_path), read_only=True)
    try:
        check_exports(con, exports_dir(settings))
    finally:
        con.close()


@pytest.mark.slow   # the Dagster definitions of a new configuration: a dbt parse
def test_sensor_accepts_xlsx_files(tmp_path, demo_mirror):
    from orchestration.definitions import build_definitions

    inbox = tmp_path / "inbox"
    cfg = write_config(tmp_path, demo_mirror[0], extra=f'[inbox]\npath = "{inbox}"\n')
    repo = build_definitions(load_settings(cfg)).get_repository_def()
    sensor = repo.get_sensor_def("survey_inbox_sensor")
    (tmp_path / "dagster_home").mkdir()
    with dg.instance_for_test(temp_dir=str(tmp_path / "dagster_home")) as instance:
        inbox.mkdir()
        (inbox / "notes.txt").write_text("pas une enquête", encoding="utf-8")
        skipped = sensor.evaluate_tick(dg.build_sensor_context(instance=instance, repository_def=repo))
        assert not skipped.run_requests
        (inbox / "Enquete_2027.XLSX").write_bytes(b"PK\x03\x04")   # the sensor never opens the file
        tick = sensor.evaluate_tick(dg.build_sensor_context(instance=instance, repository_def=repo))
        assert len(tick.run_requests) == 1 and "Enquete_2027.XLSX" in tick.run_requests[0].run_key


def test_xlsx_template_and_count_series_in_the_inbox_refresh_only_their_own_marts(tmp_path, demo_run, demo_mirror):
    """A filled XLSX template makes the survey sensor request refresh_surveys; a count series (file name
    « comptage... ») makes the occupancy sensor request refresh_occupancy; each run publishes its new rows and leaves the other source's marts
    as published."""
    import openpyxl

    from ingest.demo.attendance import SITES
    from ingest.surveys import template
    from ingest.surveys.schema import FIELDS
    from orchestration.definitions import build_definitions
    from orchestration.schedules import OCCUPANCY_JOB, SURVEY_JOB

    settings0, result0 = demo_run
    assert result0.success
    inbox = tmp_path / "inbox"
    cfg = seeded_config(tmp_path, demo_mirror[0], settings0.published_path,   # the current publication
                        f'[inbox]\npath = "{inbox}"\n')
    settings = load_settings(cfg)
    defs = build_definitions(settings)
    repo = defs.get_repository_def()
    survey_job, occupancy_job = defs.resolve_job_def(SURVEY_JOB), defs.resolve_job_def(OCCUPANCY_JOB)
    survey_sel = {k.to_user_string() for k in survey_job.asset_layer.selected_asset_keys}
    occupancy_sel = {k.to_user_string() for k in occupancy_job.asset_layer.selected_asset_keys}
    assert "marts/fct_attendance_wave" in survey_sel and "raw/occupancy_counts" not in survey_sel
    assert "marts/fct_occupancy_daily" not in survey_sel
    assert {"raw/occupancy_counts", "marts/fct_occupancy_daily", "warehouse/published"} <= occupancy_sel
    assert not {k for k in occupancy_sel if k.startswith(("raw/surveys", "marts/fct_attendance", "marts/dim_"))}

    con = duckdb.connect(str(settings.published_path), read_only=True)
    try:
        new_year = con.execute("select max(wave_year) + 1 from marts.fct_attendance_wave").fetchone()[0]
        occupancy_before = con.execute("select * from marts.fct_occupancy_daily order by all").fetchall()
        attendance_before = con.execute("select * from marts.fct_attendance_wave order by all").fetchall()
    finally:
        con.close()

    inbox.mkdir()
    xlsx = inbox / f"Enquete_{new_year}_reseau.xlsx"
    template.build(xlsx, n_rows=20)
    wb = openpyxl.load_workbook(xlsx)
    col = {f.code: i + 1 for i, f in enumerate(FIELDS)}
    answers = [{"identifiant_lieu": "TL2019-1", "nom_lieu": "Fablab des Faiseurs", "code_commune": "96148",
                "visiteurs_semaine": "env. 120", "postes_travail": 2, "surface_m2": "343 m2"},
               {"nom_lieu": "Tiers-lieu de la Boîte de Dépôt", "code_commune": "96148", "visiteurs_semaine": "30-40"}]
    for r, values in enumerate(answers, start=2):
        for code, v in values.items():
            wb["Lieux"].cell(row=r, column=col[code], value=v)
    wb.save(xlsx)                                   # no year column filled: the file name gives it
    site = SITES[0][0]
    (inbox / "comptage_mai.csv").write_text(
        f"timestamp,{site}\n2030-05-06-09-00-00,30\n2030-05-06-12-00-00,12\n2030-05-06-99-00-00,5\n", encoding="utf-8")

    (tmp_path / "dagster_home").mkdir()
    with dg.instance_for_test(temp_dir=str(tmp_path / "dagster_home")) as instance:
        sensors = [repo.get_sensor_def(n) for n in ("survey_inbox_sensor", "occupancy_inbox_sensor")]
        assert [s.job_name for s in sensors] == [SURVEY_JOB, OCCUPANCY_JOB]
        ticks = [s.evaluate_tick(dg.build_sensor_context(instance=instance, repository_def=repo)) for s in sensors]
        assert [len(t.run_requests) for t in ticks] == [1, 1]
        by_job = {r.job_name: r for t in ticks for r in t.run_requests}
        assert set(by_job) == {SURVEY_JOB, OCCUPANCY_JOB}
        assert xlsx.name in by_job[SURVEY_JOB].run_key and "comptage" not in by_job[SURVEY_JOB].run_key
        assert "comptage_mai.csv" in by_job[OCCUPANCY_JOB].run_key and xlsx.name not in by_job[OCCUPANCY_JOB].run_key
        runs = {}
        for job in (survey_job, occupancy_job):
            res = job.execute_in_process(instance=instance, tags=by_job[job.name].tags, raise_on_error=False)
            assert res.success, [e.message for e in res.all_events if e.is_step_failure]
            runs[job.name] = res.run_id
        for sensor, tick in zip(sensors, ticks):   # same files, same run key: Dagster runs them once
            again = sensor.evaluate_tick(dg.build_sensor_context(instance=instance, repository_def=repo))
            assert [r.run_key for r in again.run_requests] == [r.run_key for r in tick.run_requests]

    con = duckdb.connect(str(settings.published_path), read_only=True)
    try:
        sources = {job: {r[0] for r in con.execute("select source from ops.refresh_sources where run_id = ?",
                                                   [run_id]).fetchall()} for job, run_id in runs.items()}
        wave = con.execute("select n_answers, n_respondents, n_local_respondents from marts.fct_attendance_wave "
                           "where wave_year = ?", [new_year]).fetchone()
        visitors = con.execute("select visitors_per_week from marts.fct_attendance_place where wave_year = ? "
                               "order by 1", [new_year]).fetchall()
        new_days = con.execute("select site, day, n_observations, min_available_seats from marts.fct_occupancy_daily "
                               "where day = date '2030-05-06'").fetchall()
        occupancy_after = con.execute("select * from marts.fct_occupancy_daily where day <> date '2030-05-06' "
                                      "order by all").fetchall()
        attendance_after = con.execute("select * from marts.fct_attendance_wave where wave_year <> ? order by all",
                                       [new_year]).fetchall()
        rejects = con.execute("select reason from raw.occupancy_counts_rejects").fetchall()
    finally:
        con.close()
    assert sources == {SURVEY_JOB: {"surveys"}, OCCUPANCY_JOB: {"occupancy_counts"}}
    assert wave == (2, 1, 1)
    assert visitors == [(35,), (120,)]
    assert new_days == [(site, __import__("datetime").date(2030, 5, 6), 2, 12)]
    assert occupancy_after == occupancy_before          # the demo series is untouched
    # Earlier waves keep their figures; their sources note (last column) now names the new file too: it
    # lists the survey files of the latest load (meta_sources, rebuilt by every job).
    assert [r[1:-1] for r in attendance_after] == [r[1:-1] for r in attendance_before]
    assert all(xlsx.name in r[-1] and xlsx.name not in b[-1] for r, b in zip(attendance_after, attendance_before))
    assert rejects == [("comptage_mai.csv, ligne 4 : colonne « timestamp » (horodatage) : valeur "
                        "« 2030-05-06-99-00-00 » illisible",)]
