-- ANCT centroids of EPCI (type "epci") and établissements publics territoriaux of the Métropole du Grand
-- Paris (type "ept"); the code is the SIREN of the EPCI, else of the EPT.
{%- set rel = optional_raw_relation('epci_centroids') %}
{%- set cols = column_names(rel) %}
select
    coalesce({{ raw_text(rel, ['siren_epci'], cols) }}, {{ raw_text(rel, ['siren_ept'], cols) }}) as epci_code,
    coalesce({{ raw_text(rel, ['lib_epci'], cols) }}, {{ raw_text(rel, ['lib_ept'], cols) }})     as epci_name,
    lower({{ raw_text(rel, ['type'], cols) }})                                              as centroid_type,
    {{ to_double(raw_text(rel, ['latitude'], cols)) }}                                      as latitude,
    {{ to_double(raw_text(rel, ['longitude'], cols)) }}                                     as longitude,
    {{ optional_column(rel, ['_file'], columns=cols) }}                                             as _file,
    {{ optional_column(rel, ['_row'], 'bigint', columns=cols) }}                                    as _row
from {{ raw_or_empty('epci_centroids') }}
