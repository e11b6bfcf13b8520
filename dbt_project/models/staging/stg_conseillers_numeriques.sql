-- Structures hosting Conseillers numériques France Services (ANCT cnfs.json). Misleading published names:
-- "commune_insee" is a commune NAME, the code is insee_com (zero restored); code_postal lost its zero
-- (code_postal_bis is the repaired one); the address holds "street\npostcode city".
{%- set rel = optional_raw_relation('conseillers_numeriques') %}
select
    'CNFS-' || {{ raw_text(rel, ['id']) }}                                          as record_id,
    {{ raw_text(rel, ['raison_sociale']) }}                                         as structure_name,
    case when regexp_full_match({{ raw_text(rel, ['siret']) }}, '\d{14}') then {{ raw_text(rel, ['siret']) }} end as siret,
    {{ commune_code(raw_text(rel, ['insee_com'])) }}                                as published_commune_code,
    {{ raw_text(rel, ['commune_insee']) }}                                          as published_commune_name,
    coalesce({{ postcode(raw_text(rel, ['code_postal_bis'])) }}, {{ postcode(raw_text(rel, ['code_postal'])) }}) as postcode,
    nullif(trim(split_part(replace(coalesce({{ raw_text(rel, ['adresse']) }}, ''), '\r', ''), chr(10), 1)), '') as address,
    {{ to_double(raw_text(rel, ['latitude'])) }}                                    as latitude,
    {{ to_double(raw_text(rel, ['longitude'])) }}                                   as longitude,
    try_cast({{ raw_text(rel, ['nb_cnfs']) }} as integer)                           as n_conseillers,
    lower({{ raw_text(rel, ['type']) }})                                            as structure_type,
    lower({{ raw_text(rel, ['france_services']) }}) = 'oui'                         as declares_france_services,
    {{ optional_column(rel, ['_file']) }}                                           as _file,
    {{ optional_column(rel, ['_row'], 'bigint') }}                                  as _row
from {{ raw_or_empty('conseillers_numeriques') }}
