-- Telework potential per territory at every level (commune, canton, EPCI, département, région, national) and
-- scenario (access distance x days a week): the figures of fct_telework_commune summed over the territory's
-- communes (method in that mart). Empty when the census detail file is not loaded.
with m as (select * from {{ ref('fct_telework_commune') }}),
-- A commune's own row is its sum over one commune: taken as it is, only the wider levels are aggregated
-- (their communes joined through int_commune_territory), rather than 300,000 groups of one row each.
agg as (
    select 'commune' as territory_level, commune_code as territory_code, access_km, days_per_week, census_year,
           1::bigint as n_communes, has_tiers_lieu_within_access::bigint as n_communes_near_place, workers,
           teleworkable_workers, car_commuters, long_car_commuters, potential_users, potential_users_near_place,
           potential_users_without_place, km_avoided_per_year, co2_avoided_t_per_year, min_commute_km,
           weeks_per_year
    from m
    union all
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
    from m
    join {{ ref('int_commune_territory') }} b on b.commune_code = m.commune_code and b.territory_level <> 'commune'
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
-- through the aggregation of its 1.6 million (commune x wider level x scenario) rows (twice as fast nationally).
cross join (select any_value(method) as method, any_value(sources) as sources
            from {{ ref('fct_telework_commune') }}) n
left join {{ ref('dim_territory') }} t using (territory_level, territory_code)
