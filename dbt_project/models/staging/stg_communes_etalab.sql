{{ config(materialized="table") }}  {#- parsed once: read by the code history, the attributes and the quality marts #}
-- Etalab découpage administratif, communes.json: one row per entry (commune actuelle, déléguée, associée,
-- municipal arrondissement). parent_code is the commune an entry belongs to (chefLieu of a commune
-- déléguée/associée, commune of an arrondissement); old_codes the codes merged into a commune actuelle
-- (anciensCodes); postcodes its codesPostaux. Empty when the source is not configured.
{%- set rel = optional_raw_relation('communes_etalab') %}
{%- set cols = column_names(rel) %}
select
    {{ commune_code(raw_text(rel, ['code'], cols)) }}                              as commune_code,
    {{ raw_text(rel, ['nom'], cols) }}                                             as commune_name,
    {{ raw_text(rel, ['type'], cols) }}                                            as etalab_type,
    upper({{ raw_text(rel, ['departement'], cols) }})                              as departement_code,
    {{ raw_text(rel, ['region'], cols) }}                                          as region_code,
    {{ commune_code(raw_text(rel, ['chefLieu', 'commune'], cols)) }}               as parent_code,
    try_cast({{ raw_text(rel, ['population'], cols) }} as bigint)                  as population,
    {{ raw_text(rel, ['siren'], cols) }}                                           as siren,
    {{ json_string_list(raw_text(rel, ['codesPostaux'], cols)) }}                  as postcodes,
    {{ json_string_list(raw_text(rel, ['anciensCodes'], cols)) }}                  as old_codes,
    {{ optional_column(rel, ['_file'], columns=cols) }}                                    as _file,
    {{ optional_column(rel, ['_row'], 'bigint', columns=cols) }}                           as _row
from {{ raw_or_empty('communes_etalab') }}
