{%- set rel = optional_raw_relation('departements_etalab') %}
select
    upper({{ raw_text(rel, ['code']) }})                 as departement_code,
    {{ raw_text(rel, ['nom']) }}                         as departement_name,
    {{ raw_text(rel, ['region']) }}                      as region_code,
    {{ commune_code(raw_text(rel, ['chefLieu'])) }}      as chef_lieu_code,
    {{ optional_column(rel, ['_file']) }}                as _file,
    {{ optional_column(rel, ['_row'], 'bigint') }}       as _row
from {{ raw_or_empty('departements_etalab') }}
