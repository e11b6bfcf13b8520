-- The places of the lists loaded by mapping (ingest/listes_lieux.py: regional networks' lists, later census
-- exports, local spreadsheets), typed. The loader already restored the postcodes and commune codes that lost
-- their leading zero (raw._field_report); a code that is still not a code is ignored here (kept in raw).
-- Empty when no list is declared.
{%- set rel = optional_raw_relation('listes_lieux') %}
select
    'LISTE-' || regexp_replace({{ raw_text(rel, ['correspondance']) }}, '\.toml$', '') || '-'
    || coalesce({{ raw_text(rel, ['identifiant']) }}, {{ optional_column(rel, ['_file']) }} || '-' || cast({{ optional_column(rel, ['_row']) }} as varchar)) as record_id,
    {{ raw_text(rel, ['liste']) }}                                                         as list_name,
    {{ raw_text(rel, ['millesime']) }}                                                     as list_date,
    {{ raw_text(rel, ['identifiant']) }}                                                   as list_ref,
    {{ raw_text(rel, ['nom_lieu']) }}                                                      as place_name,
    {{ raw_text(rel, ['adresse']) }}                                                       as address,
    case when regexp_full_match({{ raw_text(rel, ['code_postal']) }}, '\d{5}')
         then {{ raw_text(rel, ['code_postal']) }} end                                     as postcode,
    case when regexp_full_match(upper({{ raw_text(rel, ['code_commune']) }}), '\d{5}|2[AB]\d{3}')
         then upper({{ raw_text(rel, ['code_commune']) }}) end                             as published_commune_code,
    {{ raw_text(rel, ['commune']) }}                                                       as published_commune_name,
    {{ to_double(raw_text(rel, ['latitude'])) }}                                           as latitude,
    {{ to_double(raw_text(rel, ['longitude'])) }}                                          as longitude,
    {{ raw_text(rel, ['type_lieu']) }}                                                     as declared_type,
    case when regexp_full_match({{ raw_text(rel, ['siret']) }}, '\d{14}') then {{ raw_text(rel, ['siret']) }} end as siret,
    {{ raw_text(rel, ['statut']) }}                                                        as published_status,
    -- ouvert / projet / ferme through the mapping's [status] spellings; null: not given or not recognised
    {{ raw_text(rel, ['statut_code']) }}                                                   as place_status,
    {{ raw_text(rel, ['site_web']) }}                                                      as website,
    {{ raw_text(rel, ['email']) }}                                                         as email,
    {{ optional_column(rel, ['_file']) }}                                                  as _file,
    {{ optional_column(rel, ['_row'], 'bigint') }}                                         as _row
from {{ raw_or_empty('listes_lieux') }}
