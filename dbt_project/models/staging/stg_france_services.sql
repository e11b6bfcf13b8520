{%- set raw = source('raw', 'france_services') %}
{%- set cols = column_names(raw) %}
-- fs_type and fs_itinerant come from the loader's reading of each vintage (raw.site_type, raw.itinerant:
-- ingest/sources/france_services.py): null when the file does not say ("non renseigné"), never a default.
select
    regexp_replace(trim(id_fs), '\.0+$', '') as fs_id,  -- the 2021 GeoJSON writes MATRICULE as a number ("2.0")
    trim(lib_fs)                             as fs_name,
    {{ commune_code('insee_com') }}          as commune_code,
    {{ to_double('latitude') }}              as latitude,
    {{ to_double('longitude') }}             as longitude,
    site_type                                as fs_type,
    case itinerant when 'oui' then true when 'non' then false end as fs_itinerant,
    _vintage                                 as fs_vintage,
    nullif(trim(format_fs), '')              as fs_format,
    -- Address and postcode (for placement and cross-source matching): null when the file lacks them.
    nullif(trim({{ optional_column(raw, ['adresse'], columns=cols) }}), '')  as address,
    {{ postcode(optional_column(raw, ['code_postal'], columns=cols)) }}     as postcode,
    -- Contacts as published (the Annuaire): e-mail address and telephone, when the vintage has them.
    nullif(trim({{ optional_column(raw, ['mail'], columns=cols) }}), '')      as email,
    nullif(trim({{ optional_column(raw, ['telephone'], columns=cols) }}), '') as phone,
    _file, _sha256, _row
from {{ raw }}
