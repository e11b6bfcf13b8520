-- Published grants matched to a tiers-lieu (fct_grants with a place_id) per territory at every level
-- (commune, canton, EPCI, département, région, national), funder and grant year (the Financements page's
-- chart): the same grants as fct_funding_territory.amount_to_places_eur, split by funder and year.
select
    b.territory_level,
    b.territory_code,
    g.funder_name,
    g.grant_year,
    count(*)                    as n_grants_to_places,
    count(distinct g.place_id)  as n_places_funded,
    sum(g.amount_eur)           as amount_to_places_eur
from {{ ref('fct_grants') }} g
join {{ ref('int_commune_territory') }} b using (commune_code)
where g.place_id is not null
group by b.territory_level, b.territory_code, g.funder_name, g.grant_year
