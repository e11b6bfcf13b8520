-- Cantons du territoire sans aucune France Services (sites et antennes), les plus peuplés d'abord.
-- Les pseudo-cantons INSEE (codes finissant par 90 à 99) sont écartés : ce ne sont pas de vrais cantons.
select
    canton_code,
    canton_name,
    departement_code,
    n_communes,
    population
from marts.fct_coverage_canton
where in_territory
  and not has_france_services
  and canton_status = 'canton'
order by population desc, canton_code
