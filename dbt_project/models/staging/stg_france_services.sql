select
    trim(id_fs)                              as fs_id,
    trim(lib_fs)                             as fs_name,
    {{ commune_code('insee_com') }}          as commune_code,
    {{ to_double('latitude') }}              as latitude,
    {{ to_double('longitude') }}             as longitude,
    coalesce(nullif(trim(type_fs), ''), 'Principal') as fs_type,
    nullif(trim(format_fs), '')              as fs_format,
    _file, _sha256, _row
from {{ source('raw', 'france_services') }}
