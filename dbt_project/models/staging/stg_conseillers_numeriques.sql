-- Structures hosting Conseillers numériques France Services (ANCT cnfs.json). Misleading published names:
-- "commune_insee" is a commune NAME, the code is insee_com (zero restored); code_postal lost its zero
-- (code_postal_bis is the repaired one); the address holds "street\npostcode city".
{%- set rel = optional_raw_relation('conseillers_numeriques') %}
{%- set cols = column_names(rel) %}
select
    'CNFS-' || {{ raw_text(rel, ['id'], cols) }}                                          as record_id,
    {{ raw_text(rel, ['raison_sociale'], cols) }}                                         as structure_name,
    case when regexp_full_match({{ raw_text(rel, ['siret'], cols) }}, '\d{14}') then {{ raw_text(rel, ['siret'], cols) }} end as siret,
    {{ commune_code(raw_text(rel, ['insee_com'], cols)) }}                                as published_commune_code,
    {{ raw_text(rel, ['commune_insee'], cols) }}                                          as published_commune_name,
    coalesce({{ postcode(raw_text(rel, ['code_postal_bis'], cols)) }}, {{ postcode(raw_text(rel, ['code_postal'], cols)) }}) as postcode,
    nullif(trim(split_part(replace(coalesce({{ raw_text(rel, ['adresse'], cols) }}, ''), '\r', ''), chr(10), 1)), '') as address,
    {{ to_double(raw_text(rel, ['latitude'], cols)) }}                                    as latitude,
    {{ to_double(raw_text(rel, ['longitude'], cols)) }}                                   as longitude,
    try_cast({{ raw_text(rel, ['nb_cnfs'], cols) }} as integer)                           as n_conseillers,
    lower({{ raw_text(rel, ['type'], cols) }})                                            as structure_type,
    lower({{ raw_text(rel, ['france_services'], cols) }}) = 'oui'                         as declares_france_services,
    {{ optional_column(rel, ['_file'], columns=cols) }}                                           as _file,
    {{ optional_column(rel, ['_row'], 'bigint', columns=cols) }}                                  as _row
from {{ raw_or_empty('conseillers_numeriques') }}
