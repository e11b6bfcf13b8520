-- ANCT centroids of EPCI (type "epci") and établissements publics territoriaux of the Métropole du Grand
-- Paris (type "ept"); the code is the SIREN of the EPCI, else of the EPT.
{%- set rel = optional_raw_relation('epci_centroids') %}
select
    coalesce({{ raw_text(rel, ['siren_epci']) }}, {{ raw_text(rel, ['siren_ept']) }}) as epci_code,
    coalesce({{ raw_text(rel, ['lib_epci']) }}, {{ raw_text(rel, ['lib_ept']) }})     as epci_name,
    lower({{ raw_text(rel, ['type']) }})                                              as centroid_type,
    {{ to_double(raw_text(rel, ['latitude'])) }}                                      as latitude,
    {{ to_double(raw_text(rel, ['longitude'])) }}                                     as longitude,
    {{ optional_column(rel, ['_file']) }}                                             as _file,
    {{ optional_column(rel, ['_row'], 'bigint') }}                                    as _row
from {{ raw_or_empty('epci_centroids') }}
