"""The dashboard reads marts only: every query in dashboards/queries.py, on schema ``marts`` (and the run
journal ``ops.refresh_runs`` / ``ops.refresh_checks``, written by the refresh job after dbt: a dbt source), what
it reads is exactly the dbt exposure ``tableau_de_bord``, each mart documented; no other module of dashboards/
holds SQL. On the demo warehouse, the new marts agree with the marts that define their figures."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import yaml

from ingest.config import PROJECT_ROOT

DASHBOARDS = PROJECT_ROOT / "dashboards"
QUERIES = DASHBOARDS / "queries.py"
MARTS_DIR = PROJECT_ROOT / "dbt_project" / "models" / "marts"
# schema.table after from / join (the queries' own CTE names have no schema).
RUN_JOURNAL = {("ops", "refresh_runs"), ("ops", "refresh_checks")}
RELATION = re.compile(r"\b(?:from|join)\s+([a-z_][a-z0-9_]*)\.([a-z_][a-z0-9_]*)", re.IGNORECASE)
SQL = re.compile(r"\bselect\b[\s\S]*\bfrom\b", re.IGNORECASE)


def _strings(path: Path) -> list[str]:
    """Every string literal of a module (f-strings: their literal parts), docstrings left out."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(n.body[0].value) for n in ast.walk(tree)
                  if isinstance(n, (ast.Module, ast.FunctionDef, ast.ClassDef)) and n.body
                  and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}
    return [n.value for n in ast.walk(tree)
            if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docstrings]


def _sql_text() -> str:
    return "\n".join(_strings(QUERIES))


def _exposure() -> tuple[set[str], set[tuple[str, str]]]:
    """The marts (ref) and the sources (source) the exposure depends on."""
    doc = yaml.safe_load((MARTS_DIR / "_marts.yml").read_text(encoding="utf-8"))
    exposure = next(e for e in doc["exposures"] if e["name"] == "tableau_de_bord")
    refs, sources = set(), set()
    for dep in exposure["depends_on"]:
        if m := re.fullmatch(r"ref\('([a-z0-9_]+)'\)", dep):
            refs.add(m.group(1))
        elif m := re.fullmatch(r"source\('([a-z0-9_]+)', '([a-z0-9_]+)'\)", dep):
            sources.add((m.group(1), m.group(2)))
        else:
            raise AssertionError(f"unexpected dependency of the exposure: {dep}")
    return refs, sources


def _documented_models() -> dict[str, dict]:
    models = {}
    for path in MARTS_DIR.glob("*.yml"):
        for model in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("models", []):
            models[model["name"]] = model
    return models


def test_every_query_reads_the_marts_only():
    relations = {(schema.lower(), table.lower()) for schema, table in RELATION.findall(_sql_text())}
    assert relations, "dashboards/queries.py holds the dashboard's queries"
    assert {schema for schema, _ in relations - RUN_JOURNAL} == {"marts"}
    for schema in ("raw", "staging", "intermediate", "reference", "information_schema"):
        assert not re.search(rf"\b{schema}\.", _sql_text(), re.IGNORECASE), schema


def test_the_exposure_lists_exactly_what_the_dashboard_reads():
    relations = {(schema.lower(), table.lower()) for schema, table in RELATION.findall(_sql_text())}
    marts = {table for schema, table in relations if schema == "marts"}
    assert marts == set(re.findall(r"\bmarts\.([a-z0-9_]+)", _sql_text()))
    refs, sources = _exposure()
    assert marts == refs
    assert relations - {("marts", m) for m in marts} == sources == RUN_JOURNAL


def test_every_mart_read_is_documented_with_its_columns():
    models = _documented_models()
    for name in _exposure()[0]:
        assert name in models, f"{name} is not documented in dbt_project/models/marts/*.yml"
        model = models[name]
        assert str(model.get("description", "")).strip(), name
        columns = model.get("columns") or []
        assert columns and all(str(c.get("description", "")).strip() for c in columns), name
        assert (MARTS_DIR / f"{name}.sql").exists() or (MARTS_DIR / f"{name}.py").exists(), name  # SQL or Python model


def test_no_sql_outside_the_query_module():
    for path in sorted(DASHBOARDS.rglob("*.py")):
        if path in (QUERIES, DASHBOARDS / "data.py"):
            continue
        text = path.read_text(encoding="utf-8")
        tree = ast.parse(text)
        imported = {alias.name for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)
                    and n.module == "dashboards.data" for alias in n.names}
        assert "query" not in imported, f"{path.relative_to(PROJECT_ROOT)} runs queries itself"
        assert not [s for s in _strings(path) if SQL.search(s)], f"SQL in {path.relative_to(PROJECT_ROOT)}"


def test_the_headline_access_distance_is_the_summary_mart_s():
    from dashboards.territory import ACCESS_KM
    sql = (MARTS_DIR / "fct_summary_territory.sql").read_text(encoding="utf-8")
    assert re.search(r"set headline_km = (\d+)", sql).group(1) == f"{ACCESS_KM:g}"


# --- on the demo warehouse ------------------------------------------------------------------------------------

def test_summary_marts_agree_with_the_marts_defining_their_figures(demo_warehouse):
    con = demo_warehouse
    levels = {r[0] for r in con.execute("select distinct territory_level from marts.fct_summary_territory").fetchall()}
    assert {"commune", "epci", "departement", "region", "national"} <= levels
    # offer, attendance and funding: the marts that define them, at every level
    assert con.execute("""
        select count(*) from marts.fct_summary_territory s
        join marts.fct_coverage_territory c using (territory_level, territory_code)
        join marts.fct_funding_territory f using (territory_level, territory_code)
        where s.n_tiers_lieux is distinct from c.n_tiers_lieux or s.n_france_services is distinct from c.n_france_services
           or s.population is distinct from c.population
           or s.amount_to_places_eur is distinct from f.amount_to_places_eur""").fetchone()[0] == 0
    assert con.execute("""
        select count(*) from marts.fct_summary_territory s
        join marts.fct_attendance_territory a using (territory_level, territory_code, wave_year)
        where a.place_category = 'tous' and (s.visitors_per_week is distinct from a.visitors_per_week
                                             or s.n_respondents is distinct from a.n_respondents)""").fetchone()[0] == 0
    # access above the commune: fct_access_territory's tiers-lieu rows, at every distance
    assert con.execute("""
        select count(*) from marts.fct_access_tiers_lieu_territory t
        join marts.fct_access_territory a using (territory_level, territory_code, distance_km)
        where a.kind = 'tiers_lieu' and (t.share_within is distinct from a.share_within
              or t.population_within is distinct from a.population_within
              or t.n_communes_beyond <> a.n_communes_with_coordinates - a.n_communes_within)""").fetchone()[0] == 0
    # a commune: 1 or 0 whether its centre is within the distance of a tiers-lieu (fct_access_commune)
    assert con.execute("""
        select count(*) from marts.fct_access_tiers_lieu_territory t
        join marts.dim_commune c on c.commune_code = t.territory_code
        left join marts.fct_access_commune a on a.commune_code = c.commune_code
        where t.territory_level = 'commune' and c.latitude is not null and c.population > 0
          and t.share_within is distinct from coalesce(a.nearest_tiers_lieu_km <= t.distance_km, false)::int
    """).fetchone()[0] == 0
    # the communes beyond a distance, summed over the département's communes
    dep = con.execute("select territory_code from marts.dim_territory where territory_level = 'departement' "
                      "order by territory_code limit 1").fetchone()[0]
    assert con.execute("""
        select sum(population_beyond), sum(n_communes_beyond) from marts.fct_access_tiers_lieu_territory t
        join marts.dim_commune c on c.commune_code = t.territory_code
        where t.territory_level = 'commune' and c.departement_code = ? and t.distance_km = 10""", [dep]).fetchone() == \
        con.execute("""select population_beyond, n_communes_beyond from marts.fct_access_tiers_lieu_territory
                       where territory_level = 'departement' and territory_code = ? and distance_km = 10""",
                    [dep]).fetchone()
    # commuting: the EPCI figures of fct_commuting_epci
    assert con.execute("""
        select count(*) from marts.fct_commuting_territory t join marts.fct_commuting_epci e
             on t.territory_level = 'epci' and e.epci_code = t.territory_code
        where not abs(t.commuters_out_of_commune - e.commuters_out_of_commune) < 1e-6
           or not abs(t.long_commuters - e.long_commuters) < 1e-6""").fetchone()[0] == 0
    # similar EPCI: never itself, at most 5, all with inhabitants
    assert con.execute("""select count(*) from marts.fct_similar_epci
                          where similar_epci_code = epci_code or similarity_rank > 5 or population <= 0""").fetchone()[0] == 0
