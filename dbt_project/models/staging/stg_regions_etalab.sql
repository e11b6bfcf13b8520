{%- set rel = optional_raw_relation('regions_etalab') %}
{%- set cols = column_names(rel) %}
select
    {{ raw_text(rel, ['code'], cols) }}                        as region_code,
    {{ raw_text(rel, ['nom'], cols) }}                         as region_name,
    {{ commune_code(raw_text(rel, ['chefLieu'], cols)) }}      as chef_lieu_code,
    {{ optional_column(rel, ['_file'], columns=cols) }}                as _file,
    {{ optional_column(rel, ['_row'], 'bigint', columns=cols) }}       as _row
from {{ raw_or_empty('regions_etalab') }}
