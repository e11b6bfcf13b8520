-- The national goal is at least one France Services per canton.
with fs as (
    select canton_code,
           count(*)                                     as n_france_services,
           count(*) filter (where fs_type = 'Principal') as n_france_services_principal,
           count(*) filter (where fs_type = 'Antenne')   as n_france_services_antenne
    from {{ ref('dim_place') }}
    where place_family = 'france_services'
    group by canton_code
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
    coalesce(fs.n_france_services, 0) > 0         as has_france_services,
    c.in_territory
from {{ ref('dim_canton') }} c
left join fs using (canton_code)
