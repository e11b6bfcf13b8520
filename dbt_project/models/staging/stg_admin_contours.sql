{#- Administrative contours (IGN Admin Express COG, GeoJSON), one row per published feature: its level,
    code and name as published, its geometry as GeoJSON text. Empty when the source is not configured. -#}
{%- set rel = optional_raw_relation('admin_contours') %}
-- depends on {{ source('raw', 'admin_contours') }}
{%- if rel is none %}
select
    cast(null as varchar) as contour_level,
    cast(null as varchar) as contour_code,
    cast(null as varchar) as contour_name,
    cast(null as varchar) as geometry_geojson,
    cast(null as varchar) as _file,
    cast(null as bigint)  as _row
limit 0
{%- else %}
select
    level                     as contour_level,
    trim(code)                as contour_code,
    nullif(trim(nom), '')     as contour_name,
    geometry                  as geometry_geojson,
    _file,
    _row
from {{ rel }}
{%- endif %}
