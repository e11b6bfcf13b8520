-- Straight-line (haversine) distance from each commune centroid to the nearest facility of each
-- family: a proxy for travel time, not a travel time. Computed by int_nearest_place (exact nearest,
-- grid-pruned), distances rounded to the metre.
with communes as (
    select commune_code, commune_name, epci_code, population, latitude, longitude
    from {{ ref('dim_commune') }} where latitude is not null
),
n as (
    select commune_code,
           min(nearest_km) filter (where kind = 'tiers_lieu')      as nearest_tiers_lieu_km,
           min(nearest_km) filter (where kind = 'france_services') as nearest_france_services_km,
           min(nearest_km) filter (where kind = 'coworking')       as nearest_coworking_km,
           min(nearest_km) filter (where kind = 'fablab_makerspace') as nearest_fablab_makerspace_km
    from {{ ref('int_nearest_place') }}
    group by commune_code
)
select c.commune_code, c.commune_name, c.epci_code, c.population,
       n.nearest_tiers_lieu_km, n.nearest_france_services_km,
       -- Added columns.
       n.nearest_coworking_km, n.nearest_fablab_makerspace_km
from communes c
left join n using (commune_code)
