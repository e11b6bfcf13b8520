-- Share of the population living within each configured straight-line distance of a facility
-- (var access_distances_km; a commune counts when its centroid is at most that distance away).
{% set distances = var('access_distances_km') %}
with d as (
    select unnest([{% for x in distances %}{{ x }}{% if not loop.last %}, {% endif %}{% endfor %}]::double[]) as distance_km
),
a as (select * from {{ ref('fct_access_commune') }})
select
    a.epci_code,
    d.distance_km,
    sum(a.population)                                                              as population,
    coalesce(sum(a.population) filter (where a.nearest_tiers_lieu_km <= d.distance_km), 0)      as population_within_tiers_lieu,
    coalesce(sum(a.population) filter (where a.nearest_france_services_km <= d.distance_km), 0) as population_within_france_services,
    coalesce(sum(a.population) filter (where a.nearest_tiers_lieu_km <= d.distance_km), 0)
        / nullif(sum(a.population), 0)                                             as share_within_tiers_lieu,
    coalesce(sum(a.population) filter (where a.nearest_france_services_km <= d.distance_km), 0)
        / nullif(sum(a.population), 0)                                             as share_within_france_services
from a cross join d
where a.epci_code is not null
group by a.epci_code, d.distance_km
