"""Schedules per source cadence, the survey inbox sensor and the run-failure sensor, loaded by a
real Dagster instance (a temporary DAGSTER_HOME)."""

from __future__ import annotations

from datetime import datetime, timezone

import dagster as dg
import pytest

from ingest.config import load_settings
from tests.conftest import write_config


@pytest.mark.slow   # the Dagster definitions of a new configuration: a dbt parse
def test_schedules_and_sensor_on_real_instance(tmp_path, demo_mirror):
    from orchestration.definitions import build_definitions
    from orchestration.schedules import CADENCES, SURVEY_JOB

    inbox = tmp_path / "inbox"
    cfg = write_config(tmp_path, demo_mirror[0])
    cfg.write_text(cfg.read_text(encoding="utf-8") + f'\n[inbox]\npath = "{inbox}"\n'
                   '[schedules]\nrefresh_yearly = "0 4 20 1 *"\n', encoding="utf-8")
    settings = load_settings(cfg)
    defs = build_definitions(settings)
    repo = defs.get_repository_def()

    home = tmp_path / "dagster_home"
    home.mkdir()
    with dg.instance_for_test(temp_dir=str(home)) as instance:
        names = {s.name for s in repo.schedule_defs}
        assert names == {f"{job}_schedule" for job in CADENCES}
        crons = {s.name: s.cron_schedule for s in repo.schedule_defs}
        assert crons["refresh_yearly_schedule"] == "0 4 20 1 *"  # overridden in the configuration
        assert crons["refresh_monthly_schedule"] == CADENCES["refresh_monthly"][0]
        assert CADENCES["refresh_monthly"][1] == ("france_services",)   # the cadence of its declaration
        for job_name, (_, sources, _) in CADENCES.items():
            job = repo.get_job(job_name)
            selected = {k.to_user_string() for k in job.asset_layer.selected_asset_keys}
            assert {f"raw/{s}" for s in sources if s in settings.sources} <= selected and "warehouse/published" in selected
            others = {f"raw/{s}" for s in settings.sources} - {f"raw/{s}" for s in sources}
            assert not (others & selected), f"{job_name} would refresh other sources: {others & selected}"
            schedule = repo.get_schedule_def(f"{job_name}_schedule")
            ctx = dg.build_schedule_context(instance=instance,
                                            scheduled_execution_time=datetime(2026, 1, 20, 4, tzinfo=timezone.utc))
            requests = schedule.evaluate_tick(ctx).run_requests
            assert len(requests) == 1 and requests[0].job_name in (None, job_name)

        sensor = repo.get_sensor_def("survey_inbox_sensor")
        assert sensor.job_name == SURVEY_JOB
        empty = sensor.evaluate_tick(dg.build_sensor_context(instance=instance, repository_def=repo))
        assert not empty.run_requests and "Aucun fichier" in (empty.skip_message or "")
        inbox.mkdir()
        (inbox / "enquete_2026.csv").write_text("annee;identifiant_lieu\n", encoding="utf-8")
        first = sensor.evaluate_tick(dg.build_sensor_context(instance=instance, repository_def=repo))
        assert len(first.run_requests) == 1 and "enquete_2026.csv" in first.run_requests[0].run_key
        again = sensor.evaluate_tick(dg.build_sensor_context(instance=instance, repository_def=repo))
        assert again.run_requests[0].run_key == first.run_requests[0].run_key  # deduplicated by Dagster
        assert "notify_refresh_failure" in {s.name for s in repo.sensor_defs}
