{{ config(materialized="table") }}  {#- parsed once: read by the code history, the attributes and the quality marts #}
-- Etalab découpage administratif, communes.json: one row per entry (commune actuelle, déléguée, associée,
-- municipal arrondissement). parent_code is the commune an entry belongs to (chefLieu of a commune
-- déléguée/associée, commune of an arrondissement); old_codes the codes merged into a commune actuelle
-- (anciensCodes); postcodes its codesPostaux. Empty when the source is not configured.
{%- set rel = optional_raw_relation('communes_etalab') %}
select
    {{ commune_code(raw_text(rel, ['code'])) }}                              as commune_code,
    {{ raw_text(rel, ['nom']) }}                                             as commune_name,
    {{ raw_text(rel, ['type']) }}                                            as etalab_type,
    upper({{ raw_text(rel, ['departement']) }})                              as departement_code,
    {{ raw_text(rel, ['region']) }}                                          as region_code,
    {{ commune_code(raw_text(rel, ['chefLieu', 'commune'])) }}               as parent_code,
    try_cast({{ raw_text(rel, ['population']) }} as bigint)                  as population,
    {{ raw_text(rel, ['siren']) }}                                           as siren,
    {{ json_string_list(raw_text(rel, ['codesPostaux'])) }}                  as postcodes,
    {{ json_string_list(raw_text(rel, ['anciensCodes'])) }}                  as old_codes,
    {{ optional_column(rel, ['_file']) }}                                    as _file,
    {{ optional_column(rel, ['_row'], 'bigint') }}                           as _row
from {{ raw_or_empty('communes_etalab') }}
