-- Etalab epci.json: one row per EPCI (SIREN), with its published populations. Members: stg_epci_members.
{%- set rel = optional_raw_relation('epci_etalab') %}
{%- set cols = column_names(rel) %}
select
    {{ raw_text(rel, ['code'], cols) }}                                   as epci_code,
    {{ raw_text(rel, ['nom'], cols) }}                                    as epci_name,
    {{ raw_text(rel, ['type'], cols) }}                                   as epci_type,
    {{ raw_text(rel, ['modeFinancement'], cols) }}                        as financing_mode,
    try_cast({{ raw_text(rel, ['populationMunicipale'], cols) }} as bigint) as population_municipale_published,
    try_cast({{ raw_text(rel, ['populationTotale'], cols) }} as bigint)     as population_totale_published,
    {{ raw_text(rel, ['membres'], cols) }}                                as members_json,
    {{ optional_column(rel, ['_file'], columns=cols) }}                           as _file,
    {{ optional_column(rel, ['_row'], 'bigint', columns=cols) }}                  as _row
from {{ raw_or_empty('epci_etalab') }}
