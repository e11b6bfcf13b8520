-- Etalab epci.json: one row per EPCI (SIREN), with its published populations. Members: stg_epci_members.
{%- set rel = optional_raw_relation('epci_etalab') %}
select
    {{ raw_text(rel, ['code']) }}                                   as epci_code,
    {{ raw_text(rel, ['nom']) }}                                    as epci_name,
    {{ raw_text(rel, ['type']) }}                                   as epci_type,
    {{ raw_text(rel, ['modeFinancement']) }}                        as financing_mode,
    try_cast({{ raw_text(rel, ['populationMunicipale']) }} as bigint) as population_municipale_published,
    try_cast({{ raw_text(rel, ['populationTotale']) }} as bigint)     as population_totale_published,
    {{ raw_text(rel, ['membres']) }}                                as members_json,
    {{ optional_column(rel, ['_file']) }}                           as _file,
    {{ optional_column(rel, ['_row'], 'bigint') }}                  as _row
from {{ raw_or_empty('epci_etalab') }}
