-- The commune contours brought to the COG vintage loaded: each published contour of level commune with
-- the commune it belongs to today (dim_commune_code_history: itself, or the commune nouvelle a merged
-- code joined; null when the code is unknown to the vintage). A commune published under several old codes
-- has several rows: dim_territory_geometry joins their shapes.
select
    h.commune_code,
    c.contour_code as published_code,
    c.contour_name as published_name,
    h.method       as code_method,
    c.geometry_geojson,
    c._file,
    c._row
from {{ ref('stg_admin_contours') }} as c
left join {{ ref('dim_commune_code_history') }} as h on c.contour_code = h.old_code
where c.contour_level = 'commune'
