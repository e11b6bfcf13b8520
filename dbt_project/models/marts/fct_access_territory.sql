-- Per territory (canton, EPCI, département, région, national), kind of place and configured distance
-- (var access_distances_km, default 5, 10, 20 km): the population whose commune centre is within
-- that straight-line distance of a place of that kind (a commune at exactly the distance counts as
-- within; distances are rounded to the metre). A proxy for travel time, never a travel time. Only
-- communes with coordinates are counted: population_with_coordinates says how much that covers.
with d as (select unnest({{ double_list(var('access_distances_km')) }}) as distance_km),
b as (select * from {{ ref('int_commune_territory') }} where territory_level <> 'commune'),
a as (select * from {{ ref('fct_access_commune_kind') }}),
per_kind as (
    select b.territory_level, b.territory_code, a.kind, d.distance_km,
           count(*)                                                              as n_communes_with_coordinates,
           count(*) filter (where a.nearest_km <= d.distance_km)                 as n_communes_within,
           coalesce(sum(a.population), 0)                                        as population_with_coordinates,
           coalesce(sum(a.population) filter (where a.nearest_km <= d.distance_km), 0) as population_within,
           sum(a.population * a.nearest_km) / nullif(sum(a.population) filter (where a.nearest_km is not null), 0)
                                                                                 as mean_nearest_km_per_inhabitant
    from a join b using (commune_code) cross join d
    group by b.territory_level, b.territory_code, a.kind, d.distance_km
)
select
    t.territory_level,
    t.territory_code,
    t.territory_name,
    t.departement_code,
    t.region_code,
    t.in_territory,
    p.kind,
    k.kind_label,
    p.distance_km,
    t.population                                                      as population,
    p.population_with_coordinates,
    p.n_communes_with_coordinates,
    p.population_within,
    p.n_communes_within,
    {{ ratio('p.population_within', 'p.population_with_coordinates') }} as share_within,
    p.mean_nearest_km_per_inhabitant,
    {{ sources_note(['tierslieux_2019', 'france_services', 'surveys', 'communes_geo', 'populations']) }} as sources
from per_kind p
join {{ ref('dim_territory') }} t using (territory_level, territory_code)
join {{ ref('int_access_kinds') }} k using (kind)
