"""Errors for people: a configuration that cannot be used, a refused source, a damaged file, a full or read-only
disk end in French, naming the file, the source or the key and what to do; the French reason reaches the run's
summary, its JSON report and the notification (never Dagster's English wrapper alone); the failure report and
the notification go out even when the warehouse disk cannot be written."""

from __future__ import annotations

import http.server
import json
import shutil
import threading
from pathlib import Path

import duckdb
import pytest

from ingest.config import load_settings
from ingest.errors import ConfigError
from orchestration.definitions import handle_failure
from orchestration.run import failure_message, main
from tests.conftest import seeded_config, write_config

HTML_WITH_COMMENT = (b"<!-- erreur 404 -->\n<!DOCTYPE html>\n<html><head><title>Introuvable</title></head>"
                     b"<body>La ressource n'existe plus.</body></html>\n")


class Hook(http.server.BaseHTTPRequestHandler):
    received: list = []

    def do_POST(self):
        Hook.received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def webhook():
    Hook.received = []
    server = http.server.HTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/hook"
    server.shutdown()


def test_toml_syntax_error_names_the_file_and_the_line(tmp_path, capsys, monkeypatch):
    cfg = tmp_path / "obs.toml"
    cfg.write_text('deployment = "demo"\n[territory]\nname = "T"\ndepartements = ["01"\n', encoding="utf-8")
    monkeypatch.setenv("OBSERVATOIRE_LOG", str(tmp_path / "observatoire.log"))
    with pytest.raises(ConfigError, match=rf"{cfg}, fin du fichier \(ligne 4\) : erreur de syntaxe TOML \(Unclosed"):
        load_settings(cfg)
    bad = tmp_path / "bad.toml"
    bad.write_text('deployment = "demo"\n[territory]\nname = T\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=rf"{bad}, ligne 3, colonne 8 : erreur de syntaxe TOML"):
        load_settings(bad)
    assert main(["--config", str(cfg)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"Configuration inutilisable : {cfg}, fin du fichier (ligne 4)") and "Traceback" not in err
    assert "TOMLDecodeError" in (tmp_path / "observatoire.log").read_text(encoding="utf-8")   # the log keeps it


@pytest.mark.parametrize("toml, expected", [
    ('deployment = "demo"\n[territory]\nname = "T"\ndepartements = ["999"]\n',
     r"\[territory\] departements : le code « 999 » n'existe pas .* la publication serait vide"),
    ('deployment = "demo"\n[territory]\nname = "T"\nregions = ["99"]\n', r"\[territory\] regions : le code « 99 »"),
    ('[territory]\nname = "T"\n[sources.france_services]\ndescription = "liste"\n',
     r"\[sources.france_services\] : indiquez url ou urls"),
    ('deployment = "demo"\n[sources.inconnue]\nurl = "x.csv"\n', r"\[sources.inconnue\] : source inconnue"),
])
def test_configuration_errors_are_french_and_name_the_key(tmp_path, toml, expected):
    cfg = tmp_path / "obs.toml"
    cfg.write_text(toml, encoding="utf-8")
    with pytest.raises(ConfigError, match=expected):
        load_settings(cfg)


@pytest.mark.slow   # the Dagster definitions of a new configuration: a dbt parse
def test_unknown_job_is_a_french_error_listing_the_jobs(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("OBSERVATOIRE_LOG", str(tmp_path / "observatoire.log"))
    cfg = write_config(tmp_path, tmp_path / "mirror")
    assert main(["--config", str(cfg), "--job", "refresh_mensuel"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("Configuration inutilisable : job inconnu : « refresh_mensuel ». Jobs de ce déploiement : "
                          "refresh_all, refresh_monthly, refresh_occupancy, refresh_quarterly, refresh_surveys, "
                          "refresh_yearly"), err
    assert not load_settings(cfg).published_path.exists()


def test_fictional_territory_keeps_its_own_codes(tmp_path):
    cfg = tmp_path / "obs.toml"
    cfg.write_text('deployment = "demo"\n[territory]\nname = "T"\ndepartements = ["96"]\nfictional = true\n',
                   encoding="utf-8")
    assert load_settings(cfg).territory.departements == ("96",)


def test_failure_report_and_notification_when_the_disk_cannot_be_written(tmp_path, webhook):
    """The reports folder cannot be created (here a file stands in its way, as a full or read-only disk would
    refuse it): the failure handler does not crash, the notification goes out with the reason and says the
    report could not be written."""
    cfg = write_config(tmp_path, tmp_path / "mirror", extra=f'[notifications]\nwebhook_url = "{webhook}"\n')
    settings = load_settings(cfg)
    settings.warehouse_dir.mkdir(parents=True)
    (settings.warehouse_dir / "reports").write_text("pas un dossier", encoding="utf-8")
    handle_failure(settings, "run-disque", "refresh_all",
                   "Échec de l'étape raw__france_services : Source « france_services » : le fichier reçu est vide.",
                   None)
    assert len(Hook.received) == 1
    text = Hook.received[0]["text"]
    assert "Source « france_services » : le fichier reçu est vide." in text
    assert "Le rapport de l'exécution n'a pas pu être écrit" in text and "disque plein ou en lecture seule" in text


def test_refused_source_reason_reaches_summary_report_and_notification(tmp_path, demo_run, demo_mirror, webhook):
    """The France Services file of the mirror is an HTML error page starting with a comment, and no earlier
    snapshot can stand in: the run fails, publishes nothing, and its failure message, JSON report and
    notification say, in French, which source and why (not Dagster's "Error occurred while executing op")."""
    from orchestration.run import refresh

    settings0, _ = demo_run
    mirror = tmp_path / "mirror"
    shutil.copytree(demo_mirror[0], mirror)
    (mirror / "anct" / "liste-fs-20240801.csv").write_bytes(HTML_WITH_COMMENT)
    cfg = seeded_config(tmp_path, mirror, settings0.published_path, f'[notifications]\nwebhook_url = "{webhook}"\n')
    settings = load_settings(cfg)
    con = duckdb.connect(str(settings.published_path), read_only=True)
    before = con.execute("select count(*) from marts.dim_place where place_family = 'france_services'").fetchone()
    con.close()
    result = refresh(str(cfg))
    assert not result.success
    reason = "Source « france_services »"
    message = failure_message(settings, result)
    assert reason in message and "page HTML au lieu du fichier de données" in message, message
    assert "Error occurred while executing" not in message
    report = json.loads((settings.warehouse_dir / "reports" / f"{result.run_id}.json").read_text(encoding="utf-8"))
    assert reason in report["message"] and "page HTML" in report["message"]
    assert len(Hook.received) == 1 and "page HTML au lieu du fichier de données" in Hook.received[0]["text"]
    con = duckdb.connect(str(settings.published_path), read_only=True)
    assert con.execute("select count(*) from marts.dim_place where place_family = 'france_services'").fetchone() == before
    con.close()


def test_damaged_file_keeps_the_previous_snapshot_marked_stale(tmp_path, demo_run, demo_mirror):
    """A refresh loads the France Services list; the next month's file arrives cut at 60 %, in the middle of a
    record: the file is refused whole, the previous snapshot stays in use (stale), the publication goes on with
    the same figures (the cut record never reaches a mart), and the run's warnings and summary say why, in French."""
    from orchestration.run import refresh, summary

    settings0, _ = demo_run
    mirror = tmp_path / "mirror"
    shutil.copytree(demo_mirror[0], mirror)
    cfg = seeded_config(tmp_path, mirror, settings0.published_path)
    settings = load_settings(cfg)
    # The France Services list's own job (it is published monthly), as its schedule runs it.
    assert refresh(str(cfg), job_name="refresh_monthly").success
    con = duckdb.connect(str(settings.published_path), read_only=True)
    query = ("select count(*), count(*) filter (where fs_type = 'Antenne') from marts.dim_place "
             "where place_family = 'france_services'")
    before = con.execute(query).fetchone()
    con.close()
    fs = mirror / "anct" / "liste-fs-20240801.csv"
    data = fs.read_bytes()
    fs.write_bytes(data[: data.index(b"\n", int(len(data) * 0.6)) + 15])     # cut 15 bytes into a record
    result = refresh(str(cfg), job_name="refresh_monthly")
    assert result.success
    con = duckdb.connect(str(settings.published_path), read_only=True)
    assert con.execute(query).fetchone() == before
    stale, warnings = con.execute("select stale, warnings from raw._manifest where source = 'france_services' and "
                                  "loaded_at = (select max(loaded_at) from raw._manifest where source = 'france_services')"
                                  ).fetchone()
    assert stale and warnings.startswith("fichier refusé : Source « france_services »") and "fichier tronqué" in warnings
    checks = con.execute("select message from ops.refresh_checks where run_id = ? and asset = 'raw/france_services' "
                         "and severity = 'avertissement' and not passed", [result.run_id]).fetchall()
    con.close()
    assert any("fichier refusé" in m and "reste en service (marquée ancienne)" in m for m, in checks), checks
    text = summary(str(cfg), result.run_id)
    assert "raw/france_services : liste-fs-20240801.csv : fichier refusé : Source « france_services »" in text
    assert "(copie ancienne)" in text
    field_report = settings.warehouse_dir / "rapports_par_champ" / "france_services.csv"
    assert field_report.exists() and field_report.read_text(encoding="utf-8").startswith("source;fichier;ligne")


def test_field_report_path_is_beside_the_warehouse(tmp_path):
    from orchestration.definitions import field_report_path

    settings = load_settings(write_config(tmp_path, tmp_path / "mirror"))
    assert field_report_path(settings, "subventions") == Path(settings.warehouse_dir) / "rapports_par_champ" / \
        "subventions.csv"


@pytest.mark.parametrize("error, expected", [
    ("FetchError", "Source « france_services » (https://exemple.fr/liste.csv) : le serveur a répondu HTTP 404."),
    ("ContractError", "Source « france_services » (liste.csv) : le fichier reçu est vide : rien n'a été chargé."),
    ("ContractError", "Source « populations » (donnees_communes.csv) : colonne(s) obligatoire(s) absente(s) : "
                      "« CODCOM » (ligne 1, en-tête)."),
])
def test_french_reason_is_taken_out_of_dagsters_wrapper(error, expected):
    """The error a failed step records is Dagster's English wrapper whose cause is ours: the run's message
    (summary, JSON report, notification) is our French sentence."""
    from dagster._utils.error import SerializableErrorInfo

    from orchestration.report import french_reason

    ours = SerializableErrorInfo(f"ingest.errors.{error}: {expected}\n", [], error)
    wrapper = SerializableErrorInfo('dagster._core.errors.DagsterExecutionStepExecutionError: Error occurred while '
                                    'executing op "raw__france_services":\n', [],
                                    "DagsterExecutionStepExecutionError", cause=ours)
    assert french_reason(wrapper) == expected
    disk = SerializableErrorInfo("duckdb.duckdb.IOException: IO Error: Could not write file: No space left on device\n",
                                 [], "IOException")
    assert french_reason(SerializableErrorInfo("wrapper\n", [], "DagsterExecutionStepExecutionError", cause=disk)
                         ).startswith("disque plein : l'entrepôt en construction n'a pas pu être écrit. Libérez")


def test_partial_refresh_refuses_a_publication_of_other_models(tmp_path, demo_run, demo_mirror):
    """A publication built by another version of the dbt models (meta_publication.model_version): the France
    Services job would rebuild only its own marts beside marts of the other version, so it stops before dbt
    with a French reason that says to run a full refresh; nothing is published."""
    from orchestration.definitions import model_version
    from orchestration.run import refresh

    settings0, _ = demo_run
    cfg = seeded_config(tmp_path, demo_mirror[0], settings0.published_path)
    settings = load_settings(cfg)
    con = duckdb.connect(str(settings.published_path))
    assert con.execute("select model_version from marts.meta_publication").fetchone() == (model_version(),)
    con.execute("update marts.meta_publication set model_version = 'a1b2c3d4e5f6'")
    con.close()
    inode = settings.published_path.stat().st_ino
    result = refresh(str(cfg), job_name="refresh_monthly")
    assert not result.success
    message = failure_message(settings, result)
    assert "construite par une autre version des modèles" in message and "a1b2c3d4e5f6" in message, message
    assert "rafraîchissement complet" in message and "Error occurred while executing" not in message
    assert settings.published_path.stat().st_ino == inode


def test_a_failed_dbt_build_is_said_in_french():
    """dagster-dbt's English DagsterDbtCliRuntimeError, as a failed step records it: the run's message names
    the failing tests and models, says nothing was published and where dbt's log is."""
    from dagster._utils.error import SerializableErrorInfo

    from orchestration.report import french_reason

    text = ("dagster_dbt.errors.DagsterDbtCliRuntimeError: The dbt CLI process with command\n`dbt build --select "
            "fqn:*`\nfailed with exit code `1`. Check the stdout in the Dagster compute logs for the full information "
            "about the error, or view the dbt debug log: /srv/obs/dbt_project/target/observatoire_dbt-1/dbt.log.\n"
            "Errors parsed from dbt logs:\n42 of 286 FAIL 63 assert_referential_files_complete ... [FAIL 63 in 0.36s]\n"
            "\x1b[31mFailure in test assert_referential_files_complete (tests/assert_referential_files_complete.sql)"
            "\x1b[0m\n  Got 63 results, configured to fail if != 0\n"
            "Database Error in model fct_grants (models/marts/fct_grants.sql)\n")
    dbt = SerializableErrorInfo(text, [], "DagsterDbtCliRuntimeError")
    wrapper = SerializableErrorInfo("wrapper\n", [], "DagsterExecutionStepExecutionError", cause=dbt)
    assert french_reason(wrapper) == (
        "test(s) dbt bloquant(s) en échec : assert_referential_files_complete (le détail est dans les contrôles "
        "bloquants du rapport); modèle(s) dbt en erreur : fct_grants : rien n'a été publié. Journal dbt : "
        "/srv/obs/dbt_project/target/observatoire_dbt-1/dbt.log")
