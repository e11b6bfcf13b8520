"""Survey-only refresh on a real Dagster instance: a new survey file dropped in the inbox makes the
sensor request a ``refresh_surveys`` run; that run publishes a warehouse where the new wave appears
and every mart outside the surveys' downstream graph is unchanged."""

from __future__ import annotations

import shutil

import dagster as dg
import duckdb

from ingest.config import load_settings
from tests.conftest import write_config


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
    cfg = write_config(tmp_path, demo_mirror[0])
    cfg.write_text(cfg.read_text(encoding="utf-8") + f'\n[inbox]\npath = "{inbox}"\n', encoding="utf-8")
    settings = load_settings(cfg)
    settings.warehouse_dir.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(settings0.published_path, settings.published_path)   # the current publication

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
    before = _table_rows(settings.published_path, untouched)
    new_year = max(waves_before) + 1

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
    assert run == ("succès", True)
    assert sources <= {"surveys", "occupancy_counts"} and "surveys" in sources
    assert _table_rows(settings.published_path, untouched) == before


def test_sensor_accepts_xlsx_files(tmp_path, demo_mirror):
    from orchestration.definitions import build_definitions

    inbox = tmp_path / "inbox"
    cfg = write_config(tmp_path, demo_mirror[0])
    cfg.write_text(cfg.read_text(encoding="utf-8") + f'\n[inbox]\npath = "{inbox}"\n', encoding="utf-8")
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
