-- Per survey wave and EPCI; every EPCI appears in every wave (zeros where nobody answered).
with waves as (select distinct wave_year from {{ ref('fct_attendance_place') }}),
answers as (
    select wave_year, epci_code,
           count(distinct place_key)   as n_respondents,
           sum(visitors_per_week)      as visitors_per_week,
           sum(members)                as members,
           sum(desks)                  as desks
    from {{ ref('fct_attendance_place') }}
    group by wave_year, epci_code
),
-- Known tiers-lieux that answered, in the EPCI where dim_place places them (numerator of response_rate).
known_respondents as (
    select a.wave_year, p.epci_code, count(distinct a.place_id) as n_known_respondents
    from {{ ref('fct_attendance_place') }} a
    join {{ ref('dim_place') }} p on p.place_id = a.place_id and p.place_family = 'tiers_lieu'
    group by all
)
select
    w.wave_year,
    e.epci_code,
    e.epci_name,
    e.population,
    e.n_tiers_lieux                                           as n_known_places,
    coalesce(a.n_respondents, 0)                              as n_respondents,
    coalesce(kr.n_known_respondents, 0)                       as n_known_respondents,
    coalesce(kr.n_known_respondents, 0) / nullif(e.n_tiers_lieux, 0) as response_rate,
    coalesce(a.visitors_per_week, 0)                          as visitors_per_week,
    coalesce(a.members, 0)                                    as members,
    coalesce(a.desks, 0)                                      as desks,
    coalesce(a.visitors_per_week, 0) * 1000.0 / nullif(e.population, 0) as visitors_per_week_per_1000_inhabitants
from waves w
cross join {{ ref('fct_coverage_epci') }} e
left join answers a on a.wave_year = w.wave_year and a.epci_code = e.epci_code
left join known_respondents kr on kr.wave_year = w.wave_year and kr.epci_code = e.epci_code
