{%- set rel = optional_raw_relation('departements_etalab') %}
{%- set cols = column_names(rel) %}
select
    upper({{ raw_text(rel, ['code'], cols) }})                 as departement_code,
    {{ raw_text(rel, ['nom'], cols) }}                         as departement_name,
    {{ raw_text(rel, ['region'], cols) }}                      as region_code,
    {{ commune_code(raw_text(rel, ['chefLieu'], cols)) }}      as chef_lieu_code,
    {{ optional_column(rel, ['_file'], columns=cols) }}                as _file,
    {{ optional_column(rel, ['_row'], 'bigint', columns=cols) }}       as _row
from {{ raw_or_empty('departements_etalab') }}
