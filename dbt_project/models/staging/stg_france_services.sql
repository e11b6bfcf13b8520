{%- set raw = source('raw', 'france_services') %}
select
    trim(id_fs)                              as fs_id,
    trim(lib_fs)                             as fs_name,
    {{ commune_code('insee_com') }}          as commune_code,
    {{ to_double('latitude') }}              as latitude,
    {{ to_double('longitude') }}             as longitude,
    coalesce(nullif(trim(type_fs), ''), 'Principal') as fs_type,
    nullif(trim(format_fs), '')              as fs_format,
    -- Address and postcode (for placement and cross-source matching): null when the file lacks them.
    nullif(trim({{ optional_column(raw, ['adresse']) }}), '')  as address,
    {{ postcode(optional_column(raw, ['code_postal'])) }}     as postcode,
    _file, _sha256, _row
from {{ raw }}
