{%- set rel = optional_raw_relation('regions_etalab') %}
select
    {{ raw_text(rel, ['code']) }}                        as region_code,
    {{ raw_text(rel, ['nom']) }}                         as region_name,
    {{ commune_code(raw_text(rel, ['chefLieu'])) }}      as chef_lieu_code,
    {{ optional_column(rel, ['_file']) }}                as _file,
    {{ optional_column(rel, ['_row'], 'bigint') }}       as _row
from {{ raw_or_empty('regions_etalab') }}
