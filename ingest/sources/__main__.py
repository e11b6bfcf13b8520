"""``python -m ingest.sources``: write dbt_project/models/staging/_sources.yml from the declarations."""

from ingest.sources import DBT_SOURCES, write_dbt_sources

print(("écrit : " if write_dbt_sources() else "à jour : ") + str(DBT_SOURCES))
