-- The census detail file summed per residence commune, workplace, occupation and transport mode (both ends
-- brought to the referential's communes: an arrondissement or a commune déléguée counts in its parent commune),
-- with the straight-line commute between the two commune centres (rounded to the metre, 0 within the commune,
-- null abroad or without a centre), the occupation's teleworkable share (seed ref_telework_occupations), the
-- mode's emission factor (seed ref_transport_modes) and whether its workers are potential users of a
-- tiers-lieu near home: a car mode (var telework_car_modes) and a commute strictly beyond var
-- telework_min_commute_km.
{%- set min_km = var('telework_min_commute_km') %}
{%- set car_modes = var('telework_car_modes') %}
with parents as (select * from {{ ref('int_cog_parents') }}),
c as (select commune_code, latitude, longitude from {{ ref('dim_commune') }}),
d as (
    select residence_commune_code, workplace_code, workplace_is_foreign, occupation_code, mode_code,
           max(census_year) as census_year, sum(weight) as workers, count(*) as n_individuals
    from {{ ref('stg_mobpro_detail') }}
    group by all
),
f as (
    select
        coalesce(pr.parent_commune_code, d.residence_commune_code)                   as residence_commune_code,
        case when d.workplace_is_foreign then d.workplace_code
             else coalesce(pw.parent_commune_code, d.workplace_code) end             as workplace_code,
        d.workplace_is_foreign, d.occupation_code, d.mode_code, d.census_year, d.workers, d.n_individuals
    from d
    left join parents pr on pr.old_code = d.residence_commune_code
    left join parents pw on pw.old_code = d.workplace_code and not d.workplace_is_foreign
),
measured as (
    select
        f.*,
        o.commune_code is not null                                                    as residence_in_referential,
        case when f.workplace_code = f.residence_commune_code then 0.0
             when o.latitude is not null and w.latitude is not null
             then round({{ haversine_km('o.latitude', 'o.longitude', 'w.latitude', 'w.longitude') }}, 3) end
                                                                                      as commute_km,
        coalesce(s.teleworkable_share, 0.0)                                           as teleworkable_share,
        coalesce(m.emission_kg_co2e_per_km, 0.0)                                      as emission_kg_co2e_per_km
    from f
    left join c o on o.commune_code = f.residence_commune_code
    left join c w on w.commune_code = f.workplace_code and not f.workplace_is_foreign
    left join {{ ref('ref_telework_occupations') }} s on s.occupation_code = f.occupation_code
    left join {{ ref('ref_transport_modes') }} m on m.mode_code = f.mode_code
)
select
    *,
    workers * teleworkable_share                                                      as teleworkable_workers,
    mode_code in ({% for m in car_modes %}'{{ m }}'{% if not loop.last %}, {% endif %}{% endfor %}) as is_car_mode,
    mode_code in ({% for m in car_modes %}'{{ m }}'{% if not loop.last %}, {% endif %}{% endfor %})
        and coalesce(commute_km > {{ min_km }}, false)                                as is_potential_user,
    case when workplace_is_foreign or commute_km is null then 'inconnue'
         when commute_km = 0 then 'meme_commune'
         when commute_km < 10 then '0_10_km'
         when commute_km < 20 then '10_20_km'
         when commute_km < 30 then '20_30_km'
         when commute_km < 50 then '30_50_km'
         else '50_km_et_plus' end                                                     as distance_band
from measured
