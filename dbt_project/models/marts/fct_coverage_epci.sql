with places as (
    select
        epci_code,
        count(*) filter (where place_family = 'tiers_lieu')                              as n_tiers_lieux,
        count(*) filter (where place_family = 'tiers_lieu' and place_type = 'coworking') as n_coworking,
        count(*) filter (where place_family = 'tiers_lieu' and place_type = 'fablab')    as n_fablab,
        count(*) filter (where place_family = 'tiers_lieu' and place_type = 'non_renseigne') as n_type_non_renseigne,
        count(*) filter (where place_family = 'france_services')                         as n_france_services,
        count(*) filter (where place_family = 'france_services' and fs_type = 'Principal') as n_france_services_principal,
        count(*) filter (where place_family = 'france_services' and fs_type = 'Antenne')   as n_france_services_antenne,
        count(*) filter (where place_family = 'france_services' and fs_type is null)       as n_france_services_type_non_renseigne,
        count(*) filter (where place_family = 'france_services' and fs_itinerant)          as n_france_services_itinerant,
        count(*) filter (where place_family = 'france_services' and fs_itinerant is null)  as n_france_services_itinerance_non_renseignee
    from {{ ref('dim_place') }}
    group by epci_code
)
select
    e.epci_code,
    e.epci_name,
    e.n_communes,
    e.population,
    coalesce(p.n_tiers_lieux, 0)                  as n_tiers_lieux,
    coalesce(p.n_coworking, 0)                    as n_coworking,
    coalesce(p.n_fablab, 0)                       as n_fablab,
    coalesce(p.n_type_non_renseigne, 0)           as n_type_non_renseigne,
    coalesce(p.n_tiers_lieux, 0) * 10000.0 / nullif(e.population, 0)     as tiers_lieux_per_10k,
    coalesce(p.n_france_services, 0)              as n_france_services,
    coalesce(p.n_france_services_principal, 0)    as n_france_services_principal,
    coalesce(p.n_france_services_antenne, 0)      as n_france_services_antenne,
    coalesce(p.n_france_services_type_non_renseigne, 0) as n_france_services_type_non_renseigne,
    coalesce(p.n_france_services_itinerant, 0)    as n_france_services_itinerant,
    coalesce(p.n_france_services_itinerance_non_renseignee, 0) as n_france_services_itinerance_non_renseignee,
    coalesce(p.n_france_services, 0) * 10000.0 / nullif(e.population, 0) as france_services_per_10k,
    e.in_territory
from {{ ref('dim_epci') }} e
left join places p using (epci_code)
