-- The national goal is at least one France Services per canton.
-- canton_status (dim_commune.canton_status of the canton's communes): 'canton' for a real canton,
-- 'pseudo_canton' for an INSEE pseudo-canton (code ending 90-99: a town split between several cantons,
-- given a code of its own). Counts of "cantons without France Services" are made over the real cantons,
-- the pseudo-cantons apart (fct_coverage_territory).
with fs as (
    select canton_code,
           count(*)                                     as n_france_services,
           count(*) filter (where fs_type = 'Principal') as n_france_services_principal,
           count(*) filter (where fs_type = 'Antenne')   as n_france_services_antenne,
           count(*) filter (where fs_type is null)       as n_france_services_type_non_renseigne,
           count(*) filter (where fs_itinerant)          as n_france_services_itinerant,
           count(*) filter (where fs_itinerant is null)  as n_france_services_itinerance_non_renseignee
    from {{ ref('dim_place') }}
    where place_family = 'france_services'
    group by canton_code
),
status as (
    select canton_code, any_value(canton_status) as canton_status
    from {{ ref('dim_commune') }} where canton_code is not null group by canton_code
)
select
    c.canton_code,
    c.canton_name,
    c.departement_code,
    c.is_pseudo_canton,
    c.n_communes,
    c.population,
    coalesce(fs.n_france_services, 0)             as n_france_services,
    coalesce(fs.n_france_services_principal, 0)   as n_france_services_principal,
    coalesce(fs.n_france_services_antenne, 0)     as n_france_services_antenne,
    coalesce(fs.n_france_services_type_non_renseigne, 0) as n_france_services_type_non_renseigne,
    coalesce(fs.n_france_services_itinerant, 0)   as n_france_services_itinerant,
    coalesce(fs.n_france_services_itinerance_non_renseignee, 0) as n_france_services_itinerance_non_renseignee,
    coalesce(fs.n_france_services, 0) > 0         as has_france_services,
    c.in_territory,
    -- Added column.
    coalesce(s.canton_status, case when c.is_pseudo_canton then 'pseudo_canton' else 'canton' end) as canton_status
from {{ ref('dim_canton') }} c
left join fs using (canton_code)
left join status s using (canton_code)
