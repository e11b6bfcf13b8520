-- Home-to-work flows (INSEE) with both ends brought back to the referential's communes (a municipal
-- arrondissement or a commune déléguée counts in its parent commune, int_cog_parents), their EPCI,
-- the straight-line distance between the two commune centres (null abroad or without coordinates),
-- and whether the workplace is an employment pole (int_employment_poles).
with parents as (select * from {{ ref('int_cog_parents') }}),
c as (select commune_code, epci_code, latitude, longitude from {{ ref('dim_commune') }}),
f as (
    select
        coalesce(pr.parent_commune_code, f.residence_commune_code) as residence_commune_code,
        f.residence_commune_code                                   as published_residence_code,
        case when f.workplace_is_foreign then f.workplace_code
             else coalesce(pw.parent_commune_code, f.workplace_code) end as workplace_code,
        f.workplace_code                                           as published_workplace_code,
        f.workplace_is_foreign,
        f.workers,
        f.census_year,
        f._file, f._row
    from {{ ref('stg_mobpro_flows') }} f
    left join parents pr on pr.old_code = f.residence_commune_code
    left join parents pw on pw.old_code = f.workplace_code and not f.workplace_is_foreign
)
select
    f.*,
    o.epci_code                                                     as residence_epci_code,
    d.epci_code                                                     as workplace_epci_code,
    d.commune_code is not null                                      as workplace_in_referential,
    f.workplace_code = f.residence_commune_code                     as works_in_residence_commune,
    case when f.workplace_code = f.residence_commune_code then 0.0
         when d.latitude is not null and o.latitude is not null
         then round({{ haversine_km('o.latitude', 'o.longitude', 'd.latitude', 'd.longitude') }}, 3) end as distance_km
from f
left join c o on o.commune_code = f.residence_commune_code
left join c d on d.commune_code = f.workplace_code
