-- Every commune centre published by the communes sources (communes_geo: data.gouv communes-france and/or
-- the datas.fun file), brought to the commune of the COG vintage (dim_commune_code_history: arrondissements,
-- communes déléguées / associées and merged codes go to their commune), with its plausibility test.
--
-- Plausibility (decided here, documented in docs/sources.md): a centre is rejected when
--   - its coordinates are outside [-90, 90] x [-180, 180], or
--   - it lies further from the median point of its département (median of every candidate centre of the
--     département's communes, all sources together) than 2 x the département's 95th percentile of those
--     distances + 20 km. On the real files this rejects exactly the two swapped centres of the
--     communes-france extract (Paris carrying Marseille's, Marseille carrying Paris's) and no true centre:
--     the largest spreads are Guyane (95th percentile 200 km, threshold 420 km) and Nord / Meurthe-et-Moselle
--     (about 90 km). An overseas commune placed on the mainland, or a mainland one in the sea, is thousands of
--     km away and always rejected.
-- Rejected centres are listed with their reason and correction in quality_commune_centres, never used.
with h as (select * from {{ ref('dim_commune_code_history') }}),
cog as (
    select commune_code, departement_code from {{ ref('stg_cog_communes') }} where commune_type = 'COM'
    qualify row_number() over (partition by commune_code order by _row) = 1
),
candidates as (
    select h.commune_code, cog.departement_code, g.commune_code as published_code, g._file as source_file,
           g._row as source_row, g.latitude, g.longitude,
           g.commune_code = h.commune_code as own_code,
           g.epci_code is not null         as rich_row
    from {{ ref('stg_communes_geo') }} g
    join h on h.old_code = g.commune_code
    join cog on cog.commune_code = h.commune_code
    where g.latitude is not null and g.longitude is not null
      and coalesce(g.geo_commune_type, 'COM') in ('COM', 'COMD', 'COMA', 'ARM')
),
in_bounds as (
    select * from candidates where latitude between -90 and 90 and longitude between -180 and 180
),
dep_ref as (
    select departement_code, median(latitude) as ref_latitude, median(longitude) as ref_longitude
    from in_bounds group by departement_code
),
scored as (
    select c.*, r.ref_latitude, r.ref_longitude,
           {{ haversine_km('c.latitude', 'c.longitude', 'r.ref_latitude', 'r.ref_longitude') }} as departement_km
    from in_bounds c join dep_ref r using (departement_code)
),
dep_spread as (
    select departement_code, 2 * quantile_cont(departement_km, 0.95) + 20 as max_departement_km
    from scored group by departement_code
)
select s.commune_code, s.departement_code, s.published_code, s.source_file, s.source_row, s.latitude, s.longitude,
       s.own_code, s.rich_row, round(s.departement_km, 1) as departement_km,
       s.ref_latitude, s.ref_longitude, round(d.max_departement_km, 1) as max_departement_km,
       s.departement_km <= d.max_departement_km as plausible,
       case when s.departement_km > d.max_departement_km then
           'centre à ' || round(s.departement_km) || ' km du centre médian des communes du département '
           || s.departement_code || ' (seuil ' || round(d.max_departement_km) || ' km) : hors de son département'
       end as reason
from scored s join dep_spread d using (departement_code)
union all
select commune_code, departement_code, published_code, source_file, source_row, latitude, longitude, own_code,
       rich_row, null, null, null, null, false,
       'coordonnées hors des bornes (latitude ' || latitude || ', longitude ' || longitude || ')'
from candidates where not (latitude between -90 and 90 and longitude between -180 and 180)
