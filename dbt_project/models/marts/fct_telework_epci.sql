-- Telework potential per EPCI and scenario (access distance x days a week): the EPCI rows of
-- fct_telework_territory with the EPCI's département, région and tiers-lieux (method in fct_telework_commune).
select
    t.territory_code                                 as epci_code,
    e.epci_name,
    e.departement_code,
    e.region_code,
    e.in_territory,
    t.access_km,
    t.days_per_week,
    t.census_year,
    t.n_communes,
    t.n_communes_near_place,
    c.n_tiers_lieux,
    t.workers,
    t.teleworkable_workers,
    t.share_teleworkable,
    t.car_commuters,
    t.long_car_commuters,
    t.potential_users,
    t.potential_users_near_place,
    t.potential_users_without_place,
    t.share_potential_users_near_place,
    t.km_avoided_per_year,
    t.co2_avoided_t_per_year,
    t.min_commute_km,
    t.weeks_per_year,
    t.method,
    t.sources
from {{ ref('fct_telework_territory') }} t
join {{ ref('fct_coverage_territory') }} c on c.territory_level = 'epci' and c.territory_code = t.territory_code
left join {{ ref('dim_epci') }} e on e.epci_code = t.territory_code
where t.territory_level = 'epci'
