-- The 2019 inventory publishes "0" for an unknown postcode or commune code: turned into null here.
{%- set raw = source('raw', 'tierslieux_2019') %}
{%- set cols = column_names(raw) %}
select
    'TL2019-' || trim(ID)                                          as place_id,
    trim(NOM_TL)                                                   as place_name,
    nullif(trim(ADRESSE), '')                                      as address,
    case when trim(CP) in ('0', '') then null
         else lpad(trim(CP), 5, '0') end                           as postcode,
    case when trim(INSEECOM) in ('0', '') then null
         else {{ commune_code('INSEECOM') }} end                   as published_commune_code,
    nullif(trim(NOMCOM), '')                                       as published_commune_name,
    case when TYPO ilike '%coworking%' then 'coworking'
         when TYPO ilike '%fablab%' then 'fablab'
         else 'non_renseigne' end                                  as place_type,
    {{ to_double('LAT') }}                                         as latitude,
    {{ to_double('LONG') }}                                        as longitude,
    {{ to_double('PRECISION') }}                                   as geocoding_precision,
    -- The région the file publishes (compared with the placement in quality_place_published_region).
    nullif(trim({{ optional_column(raw, ['INSEEREG'], columns=cols) }}), '')      as published_region_code,
    -- Contacts as published (the Annuaire): website and e-mail address.
    nullif(trim({{ optional_column(raw, ['WEB'], columns=cols) }}), '')           as website,
    nullif(trim({{ optional_column(raw, ['MAIL'], columns=cols) }}), '')          as email,
    _file, _sha256, _row
from {{ raw }}
