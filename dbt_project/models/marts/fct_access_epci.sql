-- Share of the population living within each configured straight-line distance of a facility
-- (var access_distances_km; a commune counts when its centroid is at most that distance away).
-- The shares are computed on the communes with a known centre (fct_access_commune): population is that
-- base, epci_population the EPCI's whole population and share_population_base the ratio of the two.
{% set distances = var('access_distances_km') %}
with d as (
    select unnest([{% for x in distances %}{{ x }}{% if not loop.last %}, {% endif %}{% endfor %}]::double[]) as distance_km
),
a as (select * from {{ ref('fct_access_commune') }}),
totals as (select epci_code, sum(population) as epci_population from {{ ref('dim_commune') }} group by epci_code)
select
    a.epci_code,
    d.distance_km,
    sum(a.population)                                                              as population,
    coalesce(sum(a.population) filter (where a.nearest_tiers_lieu_km <= d.distance_km), 0)      as population_within_tiers_lieu,
    coalesce(sum(a.population) filter (where a.nearest_france_services_km <= d.distance_km), 0) as population_within_france_services,
    coalesce(sum(a.population) filter (where a.nearest_tiers_lieu_km <= d.distance_km), 0)
        / nullif(sum(a.population), 0)                                             as share_within_tiers_lieu,
    coalesce(sum(a.population) filter (where a.nearest_france_services_km <= d.distance_km), 0)
        / nullif(sum(a.population), 0)                                             as share_within_france_services,
    any_value(t.epci_population)                                                   as epci_population,
    sum(a.population) / nullif(any_value(t.epci_population), 0)                    as share_population_base
from a cross join d
join totals t using (epci_code)
where a.epci_code is not null
group by a.epci_code, d.distance_km
