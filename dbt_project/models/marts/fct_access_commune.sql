-- Straight-line (haversine) distance from each commune centroid to the nearest facility of each
-- family: a proxy for travel time, not a travel time.
with communes as (
    select commune_code, commune_name, epci_code, population, latitude, longitude
    from {{ ref('dim_commune') }} where latitude is not null
),
places as (select place_family, latitude, longitude from {{ ref('dim_place') }} where latitude is not null),
nearest as (
    select c.commune_code,
           min({{ haversine_km('c.latitude', 'c.longitude', 'p.latitude', 'p.longitude') }})
               filter (where p.place_family = 'tiers_lieu')      as nearest_tiers_lieu_km,
           min({{ haversine_km('c.latitude', 'c.longitude', 'p.latitude', 'p.longitude') }})
               filter (where p.place_family = 'france_services') as nearest_france_services_km
    from communes c cross join places p
    group by c.commune_code
)
select c.commune_code, c.commune_name, c.epci_code, c.population,
       n.nearest_tiers_lieu_km, n.nearest_france_services_km
from communes c
left join nearest n using (commune_code)
