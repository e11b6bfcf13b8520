-- Every located facility of every source, before placement in a commune.
select
    place_id, 'tiers_lieu' as place_family, 'inventaire_cget_2019' as source_name,
    place_name, place_type, cast(null as varchar) as fs_type,
    published_commune_code, latitude, longitude, _file, _row
from {{ ref('stg_tierslieux_2019') }}
union all
select
    'FS-' || fs_id, 'france_services', 'anct_france_services',
    fs_name, 'france_services', fs_type,
    commune_code, latitude, longitude, _file, _row
from {{ ref('stg_france_services') }}
