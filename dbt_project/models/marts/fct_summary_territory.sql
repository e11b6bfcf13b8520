-- The key figures of every territory (commune, canton, EPCI, département, région, national) as the
-- dashboard's Synthèse, Fiche territoire and Financements pages show them, one row per territory, each
-- taken from the mart that defines it: offer (fct_coverage_territory: a tiers-lieu is a place of
-- dim_place of family 'tiers_lieu'), access within 10 km (fct_access_tiers_lieu_territory), the latest
-- survey wave (fct_attendance_territory, all categories) and the published grants matched to the
-- territory's tiers-lieux (fct_funding_territory).
{#- The headline access distance of the dashboard (« À moins de 10 km d'un tiers-lieu »). #}
{%- set headline_km = 10 %}
with wave as (select max(wave_year) as wave_year from {{ ref('fct_attendance_wave') }}),
attendance as (
    select a.territory_level, a.territory_code, a.n_respondents, a.visitors_per_week
    from {{ ref('fct_attendance_territory') }} a join wave using (wave_year)
    where a.place_category = 'tous'
),
access as (
    select * from {{ ref('fct_access_tiers_lieu_territory') }} where distance_km = {{ headline_km }}
)
select
    c.territory_level,
    c.territory_code,
    c.territory_name,
    c.level_rank,
    c.departement_code,
    c.region_code,
    c.in_territory,
    c.n_communes,
    c.population,
    c.n_tiers_lieux,
    c.tiers_lieux_per_10k,
    c.n_france_services,
    c.france_services_per_10k,
    {{ headline_km }}::double                                        as access_distance_km,
    a.share_within                                                   as share_within_tiers_lieu,
    a.share_population_base,
    coalesce(a.access_status, 'distance_non_calculee')               as access_status,
    w.wave_year,
    case when w.wave_year is not null then coalesce(t.n_respondents, 0) end     as n_respondents,
    case when w.wave_year is not null then coalesce(t.visitors_per_week, 0) end as visitors_per_week,
    f.amount_to_places_eur,
    f.n_places_funded,
    f.amount_to_places_per_inhabitant_eur
from {{ ref('fct_coverage_territory') }} c
cross join wave w
left join access a using (territory_level, territory_code)
left join attendance t using (territory_level, territory_code)
left join {{ ref('fct_funding_territory') }} f using (territory_level, territory_code)
