-- Access to a tiers-lieu per territory at every level (commune, canton, EPCI, département, région, national)
-- and configured distance (var access_distances_km): the tiers-lieu rows of fct_access_territory (same
-- figures) with the commune level added (the commune's own centre, fct_access_commune_kind), the communes
-- and population beyond the distance, and access_status: whether the share is computed and, if not, why.
-- Every territory of dim_territory has a row per distance, even when none of its communes has a centre.
{%- set distances = var('access_distances_km') %}
with d as (select unnest({{ double_list(distances) }}) as distance_km),
loaded as (
    -- whether a source loaded any place counted as a tiers-lieu for access
    select count(*) > 0 as kind_loaded from {{ ref('int_access_targets') }} where kind = 'tiers_lieu'
),
communes as (
    select c.commune_code, d.distance_km, c.located, coalesce(c.population, 0) as population,
           c.located and coalesce(k.nearest_km <= d.distance_km, false) as within
    from (select commune_code, population, latitude is not null and longitude is not null as located
          from {{ ref('dim_commune') }}) c
    cross join d
    left join {{ ref('fct_access_commune_kind') }} k on k.commune_code = c.commune_code and k.kind = 'tiers_lieu'
),
figures as (
    select territory_level, territory_code, distance_km, n_communes_with_coordinates, population_with_coordinates,
           n_communes_within, population_within
    from {{ ref('fct_access_territory') }}
    where kind = 'tiers_lieu'
    union all
    select 'commune', commune_code, distance_km, located::int, case when located then population else 0 end,
           within::int, case when within then population else 0 end
    from communes
),
base as (
    select
        t.territory_level, t.territory_code, t.territory_name, t.departement_code, t.region_code, t.in_territory,
        d.distance_km, t.n_communes, t.population,
        coalesce(f.n_communes_with_coordinates, 0)  as n_communes_with_coordinates,
        coalesce(f.population_with_coordinates, 0) as population_with_coordinates,
        coalesce(f.n_communes_within, 0)            as n_communes_within,
        coalesce(f.population_within, 0)            as population_within,
        case when coalesce(f.n_communes_with_coordinates, 0) = 0 then 'sans_centre'
             when coalesce(f.population_with_coordinates, 0) = 0 then 'sans_habitant'
             when not l.kind_loaded then 'aucun_lieu'
             else 'calcule' end                     as access_status
    from {{ ref('dim_territory') }} t
    cross join d
    cross join loaded l
    left join figures f using (territory_level, territory_code, distance_km)
)
select
    territory_level,
    territory_code,
    territory_name,
    departement_code,
    region_code,
    in_territory,
    distance_km,
    n_communes,
    population,
    n_communes_with_coordinates,
    population_with_coordinates,
    {{ ratio('population_with_coordinates', 'population') }}                        as share_population_base,
    n_communes_within,
    population_within,
    case when access_status = 'calcule'
         then {{ ratio('population_within', 'population_with_coordinates') }} end     as share_within,
    n_communes_with_coordinates - n_communes_within                                   as n_communes_beyond,
    population_with_coordinates - population_within                                  as population_beyond,
    access_status
from base
