-- Telework potential per territory at every level (commune, canton, EPCI, département, région, national) and
-- scenario (access distance x days a week): the figures of fct_telework_commune summed over the territory's
-- communes (method in that mart). Empty when the census detail file is not loaded.
with b as (select * from {{ ref('int_commune_territory') }}),
agg as (
    select b.territory_level, b.territory_code, m.access_km, m.days_per_week,
           max(m.census_year)                     as census_year,
           count(*)                               as n_communes,
           count(*) filter (where m.has_tiers_lieu_within_access) as n_communes_near_place,
           sum(m.workers)                         as workers,
           sum(m.teleworkable_workers)            as teleworkable_workers,
           sum(m.car_commuters)                   as car_commuters,
           sum(m.long_car_commuters)              as long_car_commuters,
           sum(m.potential_users)                 as potential_users,
           sum(m.potential_users_near_place)      as potential_users_near_place,
           sum(m.potential_users_without_place)   as potential_users_without_place,
           sum(m.km_avoided_per_year)             as km_avoided_per_year,
           sum(m.co2_avoided_t_per_year)          as co2_avoided_t_per_year,
           any_value(m.min_commute_km)            as min_commute_km,
           any_value(m.weeks_per_year)            as weeks_per_year
    from {{ ref('fct_telework_commune') }} m join b using (commune_code)
    group by all
)
select
    a.territory_level,
    a.territory_code,
    t.territory_name,
    a.access_km,
    a.days_per_week,
    a.census_year,
    a.n_communes,
    a.n_communes_near_place,
    a.workers,
    a.teleworkable_workers,
    {{ ratio('a.teleworkable_workers', 'a.workers') }}                   as share_teleworkable,
    a.car_commuters,
    a.long_car_commuters,
    a.potential_users,
    a.potential_users_near_place,
    a.potential_users_without_place,
    {{ ratio('a.potential_users_near_place', 'a.potential_users') }}     as share_potential_users_near_place,
    a.km_avoided_per_year,
    a.co2_avoided_t_per_year,
    a.min_commute_km,
    a.weeks_per_year,
    n.method,
    n.sources
from agg a
-- The method and sources texts are the same on every row of the commune mart: taken once, not carried
-- through the aggregation of its 2 million (commune x level x scenario) rows (twice as fast nationally).
cross join (select any_value(method) as method, any_value(sources) as sources
            from {{ ref('fct_telework_commune') }}) n
left join {{ ref('dim_territory') }} t using (territory_level, territory_code)
