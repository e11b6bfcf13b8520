-- The places of the lists loaded by mapping (ingest/listes_lieux.py: regional networks' lists, later census
-- exports, local spreadsheets), typed. The loader already restored the postcodes and commune codes that lost
-- their leading zero (raw._field_report); a code that is still not a code is ignored here (kept in raw).
-- Empty when no list is declared.
{%- set rel = optional_raw_relation('listes_lieux') %}
{%- set cols = column_names(rel) %}
select
    'LISTE-' || regexp_replace({{ raw_text(rel, ['correspondance'], cols) }}, '\.toml$', '') || '-'
    || coalesce({{ raw_text(rel, ['identifiant'], cols) }}, {{ optional_column(rel, ['_file'], columns=cols) }} || '-' || cast({{ optional_column(rel, ['_row'], columns=cols) }} as varchar)) as record_id,
    {{ raw_text(rel, ['liste'], cols) }}                                                         as list_name,
    {{ raw_text(rel, ['millesime'], cols) }}                                                     as list_date,
    {{ raw_text(rel, ['identifiant'], cols) }}                                                   as list_ref,
    {{ raw_text(rel, ['nom_lieu'], cols) }}                                                      as place_name,
    {{ raw_text(rel, ['adresse'], cols) }}                                                       as address,
    case when regexp_full_match({{ raw_text(rel, ['code_postal'], cols) }}, '\d{5}')
         then {{ raw_text(rel, ['code_postal'], cols) }} end                                     as postcode,
    case when regexp_full_match(upper({{ raw_text(rel, ['code_commune'], cols) }}), '\d{5}|2[AB]\d{3}')
         then upper({{ raw_text(rel, ['code_commune'], cols) }}) end                             as published_commune_code,
    {{ raw_text(rel, ['commune'], cols) }}                                                       as published_commune_name,
    {{ to_double(raw_text(rel, ['latitude'], cols)) }}                                           as latitude,
    {{ to_double(raw_text(rel, ['longitude'], cols)) }}                                          as longitude,
    {{ raw_text(rel, ['type_lieu'], cols) }}                                                     as declared_type,
    case when regexp_full_match({{ raw_text(rel, ['siret'], cols) }}, '\d{14}') then {{ raw_text(rel, ['siret'], cols) }} end as siret,
    {{ raw_text(rel, ['statut'], cols) }}                                                        as published_status,
    -- ouvert / projet / ferme through the mapping's [status] spellings; null: not given or not recognised
    {{ raw_text(rel, ['statut_code'], cols) }}                                                   as place_status,
    {{ raw_text(rel, ['site_web'], cols) }}                                                      as website,
    {{ raw_text(rel, ['email'], cols) }}                                                         as email,
    {{ optional_column(rel, ['_file'], columns=cols) }}                                                  as _file,
    {{ optional_column(rel, ['_row'], 'bigint', columns=cols) }}                                         as _row
from {{ raw_or_empty('listes_lieux') }}
