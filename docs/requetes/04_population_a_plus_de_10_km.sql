-- Population à plus de 10 km (à vol d'oiseau, depuis le centre de la commune) d'un tiers-lieu et d'une
-- France Services, par EPCI du territoire. Une distance à vol d'oiseau n'est pas un temps de trajet.
select
    a.epci_code,
    e.epci_name,
    sum(a.population)                                                          as population,
    sum(a.population) filter (where a.nearest_tiers_lieu_km > 10)              as population_a_plus_de_10_km_tiers_lieu,
    sum(a.population) filter (where a.nearest_france_services_km > 10)         as population_a_plus_de_10_km_france_services,
    count(*) filter (where a.nearest_tiers_lieu_km is null)                    as communes_sans_distance_tiers_lieu
from marts.fct_access_commune as a
join marts.dim_epci as e on a.epci_code = e.epci_code
where e.in_territory
group by a.epci_code, e.epci_name
order by population_a_plus_de_10_km_tiers_lieu desc nulls last, a.epci_code
