-- Places each facility in a commune of the referential: by its published code when that code exists,
-- else by the nearest commune centroid to its coordinates; the method is kept per row.
with communes as (
    select commune_code, latitude, longitude from {{ ref('dim_commune') }} where latitude is not null
),
places as (select * from {{ ref('int_places') }}),
by_code as (
    select p.place_id, p.published_commune_code as commune_code
    from places p join {{ ref('dim_commune') }} c on c.commune_code = p.published_commune_code
),
nearest as (
    select p.place_id,
           arg_min(c.commune_code, {{ haversine_km('p.latitude', 'p.longitude', 'c.latitude', 'c.longitude') }}) as commune_code,
           min({{ haversine_km('p.latitude', 'p.longitude', 'c.latitude', 'c.longitude') }}) as distance_km
    from places p cross join communes c
    where p.place_id not in (select place_id from by_code)
      and p.latitude is not null and p.longitude is not null
    group by p.place_id
)
select
    p.*,
    coalesce(b.commune_code, n.commune_code) as commune_code,
    case when b.commune_code is not null then 'code_insee'
         when n.commune_code is not null then 'coordonnees_commune_la_plus_proche'
         end as placement_method,
    case when b.commune_code is null and n.commune_code is null then
        case when p.published_commune_code is not null then 'code commune inconnu du référentiel et pas de coordonnées'
             else 'ni code commune ni coordonnées' end
         end as unplaced_reason
from places p
left join by_code b using (place_id)
left join nearest n using (place_id)
