-- Communes without a contour, and published commune contours that belong to no commune of the vintage:
-- what the maps and the GeoPackage export cannot draw, listed rather than lost.
select
    d.commune_code,
    d.commune_name,
    d.departement_code,
    coalesce(t.in_territory, false) as in_territory,
    cast(null as varchar)           as published_code,
    cast(null as varchar)           as source_file,
    'commune sans contour publié (ni sous son code ni sous un code qui la compose)' as reason
from {{ ref('dim_commune') }} as d
left join {{ ref('dim_territory') }} as t on t.territory_level = 'commune' and d.commune_code = t.territory_code
where not exists (select 1 from {{ ref('int_commune_contours') }} as c where c.commune_code = d.commune_code)
union all
select
    cast(null as varchar),
    c.published_name,
    cast(null as varchar),
    false,
    c.published_code,
    c._file,
    'contour publié sous un code inconnu du COG chargé (ni commune, ni code ancien ou délégué)'
from {{ ref('int_commune_contours') }} as c
where c.commune_code is null
