"""Quality checks where they live: the marts' rules are dbt tests (the column-name conventions and the
columns' declared constraints in the one-scan generic test ``column_rules`` of every mart,
dbt_project/macros/column_rules.sql) run by ``dbt build``;
the marts' row counts against the publication are one Dagster check (plain SQL); the raw files' profile
(rejected rows, rows loaded, filled columns) is validated once by Great Expectations
(orchestration.checks); the run report records them all (orchestration.report)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import duckdb
import pytest
import yaml

from ingest.config import PROJECT_ROOT
from orchestration import checks, report
from orchestration.report import BLOCKING, WARNING

DBT_DIR = PROJECT_ROOT / "dbt_project"
MARTS = DBT_DIR / "models" / "marts"


def _has_column_rules_test(model: dict) -> bool:
    return (model.get("data_tests") or model.get("tests") or []).count("column_rules") == 1


def _property_files() -> dict[str, dict]:
    """Every model and seed documented in the dbt project's YAML, by name."""
    nodes = {}
    for path in [*(DBT_DIR / "models").rglob("*.yml"), *(DBT_DIR / "seeds").rglob("*.yml")]:
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for node in [*doc.get("models", []), *doc.get("seeds", [])]:
            nodes[node["name"]] = node
    return nodes


def test_every_mart_has_the_column_rules_test():
    """Every mart model (a .sql or .py file of models/marts) declares the generic test column_rules once in
    its yml (one scan of the mart for the naming conventions and the declared constraints, blocking rules
    and warnings)."""
    models = _property_files()
    marts = sorted(p.stem for p in MARTS.iterdir() if p.suffix in (".sql", ".py"))
    assert len(marts) > 40
    missing = [m for m in marts if not _has_column_rules_test(models.get(m, {}))]
    assert missing == [], f"marts without `- column_rules` in their data_tests: {missing}"


def test_column_constraints_are_checked_by_the_column_rules_test():
    """A column's required values and accepted values are declared beside it as dbt constraints (not_null,
    check), which the model's one-scan column_rules test checks: every model or seed with a constraint
    carries the test (no model enforces a contract, so a constraint alone would check nothing), only the
    constraint types it checks are used, and no per-column not_null / accepted_values test (one node and one
    scan each) is left."""
    unchecked, unsupported, per_column = [], [], []
    for name, node in _property_files().items():
        for col in node.get("columns") or []:
            where = f"{name}.{col['name']}"
            tests = [t if isinstance(t, str) else next(iter(t)) for t in col.get("data_tests") or col.get("tests") or []]
            per_column += [f"{where}: {t}" for t in tests if t in ("not_null", "accepted_values")]
            constraints = col.get("constraints") or []
            unsupported += [f"{where}: {c}" for c in constraints if c.get("type") not in ("not_null", "check")
                            or (c["type"] == "check" and not c.get("expression"))]
            severity = ((col.get("config") or {}).get("meta") or {}).get("constraint_severity")
            assert severity in (None, "warn"), f"{where}: constraint_severity {severity!r} (only warn)"
            if (constraints or severity) and not _has_column_rules_test(node):
                unchecked.append(where)
    assert unchecked == [], f"constraints of models without `- column_rules` in their data_tests: {unchecked}"
    assert unsupported == [], f"constraints column_rules does not check (not_null, check only): {unsupported}"
    assert per_column == [], f"declare these as the column's constraints (column_rules): {per_column}"


def _dbt(args: list[str], db: Path, tmp: Path) -> subprocess.CompletedProcess:
    dbt = Path(sys.executable).parent / "dbt"
    env = {**os.environ, "OBSERVATOIRE_BUILD_DB": str(db), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    return subprocess.run([str(dbt), *args, "--profiles-dir", str(DBT_DIR), "--target-path", str(tmp / "target"),
                           "--log-path", str(tmp / "logs")], cwd=DBT_DIR, env=env, capture_output=True, text=True,
                          timeout=600)


@pytest.mark.slow   # runs dbt (a parse of the project and tests): ~20 s
def test_column_rules_fail_on_broken_values_and_store_them(tmp_path):
    """The generic test reads the mart's columns and the constraints its YAML declares at execution, and checks
    them in one scan. Naming conventions: a commune code that lost its leading zero, a share above 1 and a
    negative count are blocking (the test fails, dbt exits non-zero, so `dbt build` fails and the publication
    does not happen); a rate above 1, a distance beyond 20,100 km and an odd département code are warnings
    (the same test only warns when nothing blocking is broken). Codes as published, text columns and *change*
    rates are left alone. Constraints: a required value missing and a value outside the accepted values are
    blocking, a required value missing where the column's constraints are warnings (constraint_severity) a
    warning; a check other than a list of values is quoted as written. Every broken value is stored with its
    column, rule in French and level."""
    db = tmp_path / "m.duckdb"
    con = duckdb.connect(str(db))
    con.execute("create schema marts")
    rows = """('01001', 0.5, 3, 0.5, 12.0, '01', '01001', 'a', '0.5', 4.0, 'FR'),
            ('1053', 1.5, -1, 1.2, 20200.0, '9A', '1053', 'b', '2', 3.0, '01'),
            ('2A004', 0.0, 0, 0.0, 0.0, '2A', '2A004', 'c', '1', 0.0, '2A'),
            (null, null, null, null, null, null, null, null, null, null, null)"""
    columns = """t(commune_code, share_within, n_places, response_rate, distance_km, departement_code,
            published_commune_code, label, share_label, population_change_rate, territory_code)"""
    # fct_access_territory: territory_code is required (constraints: not_null), the last row misses it
    con.execute(f"create table marts.fct_access_territory as select * from (values {rows}) {columns}")
    # fct_access_commune: the same values without the blocking ones (warnings only; commune_code is required)
    con.execute(f"create table marts.fct_access_commune as select * from (values {rows}) {columns} "
                "where commune_code <> '1053' union all "
                "select '01002', 0.1, 1, 1.2, 20200.0, '9A', '1', 'd', '0', 0.0, '01'")
    # dim_commune: commune_name required, canton_status required and among canton, pseudo_canton, sans_canton
    # (blocking); population required and latitude between -90 and 90 as warnings
    con.execute("""create table marts.dim_commune as select * from (values
            ('01001', 'A', '01', 100, 'metropole', 'canton', 46.2),
            ('01002', null, '01', null, 'metropole', 'inconnu', 95.0),
            ('01003', 'C', '01', 50, 'metropole', null, null)) t(commune_code, commune_name, departement_code,
                                                                population, land_mass, canton_status, latitude)""")
    # dim_programme_label: programme_code required as a warning only
    con.execute("""create table marts.dim_programme_label as select * from (values ('L1', 'fabt'), ('L2', null))
            t(label_id, programme_code)""")
    # dim_territory_geometry: a contour is required unless geometry_method is incomplet (a check constraint)
    con.execute("""create table marts.dim_territory_geometry as select * from (values
            ('commune', '01001', 'contour_publie', '{}'), ('commune', '01002', 'incomplet', null),
            ('commune', '01003', 'reunion_des_communes', null))
            t(territory_level, territory_code, geometry_method, geometry_geojson)""")
    con.close()
    marts = ("fct_access_territory", "fct_access_commune", "dim_commune", "dim_programme_label",
             "dim_territory_geometry")
    proc = _dbt(["test", "--select", *(f"{m},test_name:column_rules" for m in marts)], db, tmp_path)
    assert proc.returncode != 0, proc.stdout[-3000:]
    results = {r["unique_id"].split(".")[2]: (r["status"], r["failures"])
               for r in json.loads((tmp_path / "target" / "run_results.json").read_text())["results"]}
    # dbt names a test without arguments <test>_<model>_
    assert results == {"column_rules_fct_access_territory_": ("fail", 2),
                       "column_rules_fct_access_commune_": ("warn", 1),
                       "column_rules_dim_commune_": ("fail", 2),
                       "column_rules_dim_programme_label_": ("warn", 1),
                       "column_rules_dim_territory_geometry_": ("fail", 2)}, proc.stdout[-3000:]
    con = duckdb.connect(str(db), read_only=True)
    stored = {m: sorted(con.execute(f"select column_name, rule, level, value from dbt_test__audit.column_rules_{m}_"
                                    ).fetchall(), key=str) for m in marts}
    con.close()
    assert stored["fct_access_territory"] == [("commune_code", "code commune INSEE valide", "error", "1053"),
                                              ("departement_code", "code de département valide", "warn", "9A"),
                                              ("distance_km", "distance entre 0 et 20 100 km", "warn", "20200.0"),
                                              ("n_places", "effectif positif ou nul", "error", "-1"),
                                              ("response_rate", "taux entre 0 et 1", "warn", "1.2"),
                                              ("share_within", "part entre 0 et 1", "error", "1.5"),
                                              # its check constraint, beside the naming convention
                                              ("share_within", "vérifie « share_within between 0 and 1 »",
                                               "error", "1.5"),
                                              ("territory_code", "valeur renseignée", "error", None)]
    assert [(c, level, v) for c, _, level, v in stored["fct_access_commune"]] == [
        ("departement_code", "warn", "9A"), ("distance_km", "warn", "20200.0"), ("response_rate", "warn", "1.2")]
    assert stored["dim_commune"] == [
        ("canton_status", "valeur parmi les valeurs admises (canton, pseudo_canton, sans_canton)", "error", "inconnu"),
        ("canton_status", "valeur renseignée", "error", None),
        ("commune_name", "valeur renseignée", "error", None),
        ("latitude", "vérifie « latitude between -90 and 90 »", "warn", "95.0"),
        ("population", "valeur renseignée", "warn", None)]
    assert stored["dim_programme_label"] == [("programme_code", "valeur renseignée", "warn", None)]
    assert stored["dim_territory_geometry"] == [
        ("geometry_geojson", "vérifie « geometry_geojson is not null or geometry_method = 'incomplet' »", "error",
         None)]


def _settings(tmp_path: Path, quality: str = "") -> SimpleNamespace:
    cfg = tmp_path / "config.toml"
    cfg.write_text(quality, encoding="utf-8")
    return SimpleNamespace(config_path=cfg, published_path=tmp_path / "published.duckdb")


def _load_populations(con, rows: int, rejected: int = 0, com: str | None = "'Commune'", pcap: bool = True,
                      file: str = "donnees_communes.csv") -> None:
    """raw.populations of ``rows`` rows and its manifest row, as the loader writes them."""
    con.execute("create schema if not exists raw")
    con.execute(f"""create or replace table raw.populations as select lpad((i % 100)::varchar, 2, '0') as CODDEP,
        lpad(i::varchar, 3, '0') as CODCOM, {com if com else 'null'}::varchar as COM, null::varchar as CODCAN,
        '100' as PMUN, {"'3'" if pcap else "case when i % 10 = 0 then '3' end"} as PCAP, '103' as PTOT
        from range({rows}) t(i)""")
    con.execute("create table if not exists raw._manifest (source varchar, location varchar, file varchar, "
                "rows_read bigint, rows_loaded bigint, rows_rejected bigint, loaded_at timestamp)")
    con.execute("insert into raw._manifest values ('populations', ?, ?, ?, ?, ?, now())",
                [f"/mirror/{file}", file, rows + rejected, rows, rejected])


def _by_column(outcomes: list[dict]) -> dict[str, dict]:
    return {o["check_name"].split("column=")[1].split(",")[0]: o for o in outcomes}


def test_raw_profile_passes_a_sound_load_and_blocks_a_file_with_too_many_rejects(tmp_path):
    settings = _settings(tmp_path)
    pub = duckdb.connect(str(settings.published_path))
    _load_populations(pub, 100)
    pub.close()
    con = duckdb.connect(str(tmp_path / "build.duckdb"))
    _load_populations(con, 98, rejected=2)          # 2 % rejected, 98 rows against 100: fine
    sound = _by_column(checks.validate_raw_source(settings, con, "populations"))
    assert all(o["passed"] for o in sound.values()), sound
    # Only what the loader does not reject: no rule on the key or on the columns a row must fill.
    assert set(sound) == {"reject_share[0]", "rows_loaded", "filled_share[COM]", "filled_drop[COM]",
                          "filled_drop[CODCAN]", "filled_drop[PCAP]"}
    assert sound["rows_loaded"]["message"] == "raw.populations : 98 ligne(s) contre 100 dans la publication précédente"

    _load_populations(con, 90, rejected=10)         # 10 rows rejected of 100: within the 10 rows always allowed
    assert _by_column(checks.validate_raw_source(settings, con, "populations"))["reject_share[0]"]["passed"]
    _load_populations(con, 108, rejected=12)        # 12 rows of 120 (10 %): the file is refused whole
    refused = _by_column(checks.validate_raw_source(settings, con, "populations"))["reject_share[0]"]
    assert not refused["passed"] and refused["severity"] == BLOCKING
    assert refused["message"].startswith("donnees_communes.csv : 12 ligne(s) rejetée(s) sur 120 (10,0\u202f%)")
    assert "le fichier ne peut être pris en entier, il est refusé" in refused["message"]
    lenient = _by_column(checks.validate_raw_source(_settings(tmp_path, "[quality]\nmax_reject_share = 0.2\n"),
                                                    con, "populations"))
    assert lenient["reject_share[0]"]["passed"]
    con.close()


def test_raw_profile_row_count_against_the_publication(tmp_path):
    settings = _settings(tmp_path)
    con = duckdb.connect(str(tmp_path / "build.duckdb"))
    _load_populations(con, 0)                       # first publication of a required source, empty: blocking
    empty = _by_column(checks.validate_raw_source(settings, con, "populations"))["rows_loaded"]
    assert not empty["passed"] and empty["severity"] == BLOCKING and empty["message"].endswith("— table vide")
    pub = duckdb.connect(str(settings.published_path))
    _load_populations(pub, 100)
    pub.close()
    _load_populations(con, 30)                      # 70 % of the rows gone (max_row_drop 50 %): blocking
    drop = _by_column(checks.validate_raw_source(settings, con, "populations"))["rows_loaded"]
    assert not drop["passed"] and drop["severity"] == BLOCKING
    assert "30 ligne(s) contre 100" in drop["message"] and "hors des bornes autorisées" in drop["message"]
    _load_populations(con, 95)
    assert _by_column(checks.validate_raw_source(settings, con, "populations"))["rows_loaded"]["passed"]
    con.close()


def test_raw_profile_warns_on_an_empty_optional_source_and_on_emptied_columns(tmp_path):
    settings = _settings(tmp_path)
    pub = duckdb.connect(str(settings.published_path))
    _load_populations(pub, 100)
    pub.close()
    con = duckdb.connect(str(tmp_path / "build.duckdb"))
    _load_populations(con, 100, com=None, pcap=False)   # COM entirely empty; PCAP filled 10 % against 100 %
    out = _by_column(checks.validate_raw_source(settings, con, "populations"))
    assert [k for k, o in out.items() if not o["passed"]] == ["filled_share[COM]", "filled_drop[COM]",
                                                             "filled_drop[PCAP]"]
    assert all(out[k]["severity"] == WARNING for k in ("filled_share[COM]", "filled_drop[COM]", "filled_drop[PCAP]"))
    assert out["filled_share[COM]"]["message"] == \
        "COM (nom de la commune) : 0\u202f% de valeurs renseignées — colonne entièrement vide"
    assert out["filled_drop[PCAP]"]["message"].startswith(
        "PCAP (population comptée à part) : 10\u202f% de valeurs renseignées, 100\u202f% dans la publication")
    # An optional source with no rows yet (here the surveys, no wave received): a warning, never blocking.
    con.execute("create or replace table raw.surveys as select 1 as annee where false")
    con.execute("insert into raw._manifest values ('surveys', 'inbox', 'enquete.csv', 0, 0, 0, now())")
    surveys = _by_column(checks.validate_raw_source(settings, con, "surveys"))["rows_loaded"]
    assert not surveys["passed"] and surveys["severity"] == WARNING
    assert surveys["message"].startswith("raw.surveys : source vide (") and "publication sans elle" in surveys["message"]
    con.close()


def test_mart_row_counts_against_the_publication(tmp_path):
    settings = _settings(tmp_path)
    pub = duckdb.connect(str(settings.published_path))
    pub.execute("create schema marts")
    for name, n in (("fct_a", 100), ("fct_b", 100), ("quality_list", 100), ("fct_empty", 0)):
        pub.execute(f"create table marts.{name} as select * from range({n})")
    pub.close()
    con = duckdb.connect(str(tmp_path / "build.duckdb"))
    con.execute("create schema marts")
    for name, n in (("fct_a", 95), ("fct_b", 10), ("quality_list", 0), ("fct_empty", 0), ("fct_new", 5)):
        con.execute(f"create table marts.{name} as select * from range({n})")
    tables = [f"marts.{t}" for t in ("fct_a", "fct_b", "quality_list", "fct_empty", "fct_new")]
    out = checks.mart_row_counts(settings, con, tables)
    con.close()
    assert {t: (o["passed"], o["severity"]) for t, o in out.items()} == {
        "marts.fct_a": (True, BLOCKING), "marts.fct_b": (False, BLOCKING),       # 90 % of the rows gone
        "marts.quality_list": (True, WARNING),                                  # no problem left: good news
        "marts.fct_empty": (True, WARNING), "marts.fct_new": (True, BLOCKING)}  # first publication of fct_new
    assert out["marts.fct_b"]["message"].startswith("marts.fct_b : 10 ligne(s) contre 100 dans la publication")
    assert out["marts.fct_b"]["check_name"] == checks.ROW_COUNT


def test_dbt_tests_of_the_run_are_reported_in_french(tmp_path):
    """The run report reads the dbt tests of the run from dbt's artifacts (the folder dagster-dbt gives the
    run): a failed blocking test names its model and, for column_rules, the broken rules with examples (none
    for a value missing where one is required)."""
    run_id = "abcdef12-0000-0000-0000-000000000000"
    folder = tmp_path / f"observatoire_dbt-{run_id[:7]}-1234567"
    folder.mkdir()
    model = {"resource_type": "model", "schema": "marts", "name": "fct_demo"}
    nodes = {"model.o.fct_demo": model,
             "test.o.cr": {"resource_type": "test", "name": "column_rules_fct_demo",
                           "attached_node": "model.o.fct_demo", "schema": "dbt_test__audit",
                           "alias": "column_rules_fct_demo", "config": {"severity": "ERROR"},
                           "test_metadata": {"name": "column_rules", "kwargs": {}}},
             "test.o.u": {"resource_type": "test", "name": "unique_fct_demo_x", "attached_node": "model.o.fct_demo",
                          "column_name": "x", "config": {"severity": "warn"},
                          "test_metadata": {"name": "unique", "kwargs": {"column_name": "x"}}},
             "test.o.skipped": {"resource_type": "test", "name": "unique_fct_demo_y",
                                "attached_node": "model.o.fct_demo", "config": {"severity": "ERROR"}}}
    (folder / "manifest.json").write_text(json.dumps({"nodes": nodes, "sources": {}}), encoding="utf-8")
    (folder / "run_results.json").write_text(json.dumps({"results": [
        {"unique_id": "test.o.cr", "status": "fail", "failures": 2},
        {"unique_id": "test.o.u", "status": "warn", "failures": 2},
        {"unique_id": "test.o.skipped", "status": "skipped", "failures": None}]}), encoding="utf-8")
    con = duckdb.connect(str(tmp_path / "build.duckdb"))
    con.execute("create schema dbt_test__audit")
    con.execute("create table dbt_test__audit.column_rules_fct_demo as select * from (values "
                "('share_x', 'part entre 0 et 1', 'error', '1.5'), ('share_x', 'part entre 0 et 1', 'error', '2.0'), "
                "('commune_code', 'code commune INSEE valide', 'error', '1053'), "
                "('status', 'valeur parmi les valeurs admises (ouvert, ferme)', 'error', 'inconnu'), "
                "('name', 'valeur renseignée', 'error', null), ('name', 'valeur renseignée', 'error', null), "
                "('population', 'valeur renseignée', 'warn', null), "
                "('distance_km', 'distance entre 0 et 20 100 km', 'warn', '20200.0')) t(column_name, rule, level, value)")
    outcomes = report.dbt_test_outcomes(con, run_id, target=tmp_path)
    assert report.dbt_test_outcomes(con, "0123456-other-run", target=tmp_path) == []
    con.close()
    assert [(a, o["check_name"], o["severity"], o["passed"]) for a, o in outcomes] == [
        ("marts/fct_demo", "column_rules_fct_demo", BLOCKING, False),
        ("marts/fct_demo", "unique_fct_demo_x", WARNING, False)]
    assert outcomes[0][1]["message"] == (
        "règles des colonnes — commune_code : code commune INSEE valide, 1 ligne(s) en défaut (par ex. 1053) "
        "[bloquant]; name : valeur renseignée, 2 ligne(s) en défaut [bloquant]; share_x : part entre 0 et 1, "
        "2 ligne(s) en défaut (par ex. 1.5, 2.0) [bloquant]; status : valeur parmi les valeurs admises (ouvert, "
        "ferme), 1 ligne(s) en défaut (par ex. inconnu) [bloquant]; distance_km : distance entre 0 et 20 100 km, "
        "1 ligne(s) en défaut (par ex. 20200.0) [avertissement]; population : valeur renseignée, 1 ligne(s) en "
        "défaut [avertissement]")
    assert outcomes[1][1]["message"] == "x unique — 2 ligne(s) en défaut"


def test_every_mart_and_source_checked_by_the_refresh_and_reported(demo_run, demo_warehouse):
    """In the demo refresh every dbt test ran in `dbt build` as a Dagster asset check (column_rules of
    every mart included), every mart got its row-count check and every raw source its Great Expectations
    check; the run report (ops.refresh_checks) records them all, none failed."""
    settings, result = demo_run
    evaluations = [e.event_specific_data for e in result.all_events if e.event_type_value == "ASSET_CHECK_EVALUATION"]
    marts = {r[0] for r in demo_warehouse.execute("select table_name from information_schema.tables "
                                                  "where table_schema = 'marts'").fetchall()}
    by_name: dict[str, set] = {}
    for e in evaluations:
        by_name.setdefault(e.check_name, set()).add("/".join(e.asset_key.path))
    assert by_name["row_count"] == {f"marts/{m}" for m in marts}
    assert by_name["great_expectations"] == {f"raw/{s}" for s in settings.sources}
    assert {m for m in marts if by_name.get(f"column_rules_{m}_") == {f"marts/{m}"}} == marts
    assert [(e.asset_key.path[-1], e.check_name, e.description) for e in evaluations if not e.passed] == []
    manifest = json.loads(result.dbt_manifest.read_text(encoding="utf-8"))
    tests = {n["name"] for n in manifest["nodes"].values() if n["resource_type"] == "test"}
    assert len(tests) > 150 and len(tests & set(by_name)) > 0.9 * len(tests)
    assert {"unique_combination_of_columns_fct_access_territory_territory_level__territory_code__kind__distance_km",
            "unique_dim_commune_commune_code", "column_rules_stg_listes_lieux_"} <= set(by_name)

    recorded = dict(((asset, check), (passed, message)) for asset, check, passed, message in demo_warehouse.execute(
        "select asset, check_name, passed, message from ops.refresh_checks where run_id = ?", [result.run_id]).fetchall())
    assert [k for k, (passed, _) in recorded.items() if not passed] == []
    assert recorded[("marts/dim_commune", "column_rules_dim_commune_")] == (True, "règles des colonnes")
    assert recorded[("marts/dim_commune", "unique_dim_commune_commune_code")] == (True, "commune_code unique")
    assert recorded[("marts/dim_commune", checks.ROW_COUNT)][1].startswith("marts.dim_commune : ")
    assert sum(1 for asset, check in recorded if asset.startswith("marts/") and check.startswith("column_rules_")) \
        == len(marts)
    assert any(asset == "raw/populations" and "rows_loaded" in check for asset, check in recorded)
    assert (settings.warehouse_dir / "data_docs" / result.run_id / "raw.populations.html").exists()


def test_old_dbt_run_folders_are_pruned(tmp_path):
    """dagster-dbt writes a ~10 MB folder per run under dbt's target/: only the newest are kept."""
    from orchestration.definitions import prune_dbt_targets

    for i in range(5):
        folder = tmp_path / f"observatoire_dbt-{i:07d}-abc"
        folder.mkdir()
        (folder / "manifest.json").write_text("{}", encoding="utf-8")
        os.utime(folder, (1_000_000 + i, 1_000_000 + i))
    (tmp_path / "manifest.json").write_text("{}", encoding="utf-8")   # the project's own artifacts stay
    removed = prune_dbt_targets(tmp_path, keep=2)
    assert sorted(p.name for p in removed) == [f"observatoire_dbt-{i:07d}-abc" for i in range(3)]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["manifest.json", "observatoire_dbt-0000003-abc",
                                                          "observatoire_dbt-0000004-abc"]
