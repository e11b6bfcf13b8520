-- Grants received by the tiers-lieux of each EPCI, summed over every year loaded: grant_years lists the
-- years of the grants counted (fct_grants.grant_year: the convention date's year, else the file name's).
with grants as (
    select epci_code, count(*) as n_grants, sum(amount_eur) as amount_eur,
           count(distinct place_id) as n_places_funded,
           string_agg(distinct cast(grant_year as varchar), ', ' order by cast(grant_year as varchar)) as grant_years
    from {{ ref('fct_grants') }} where place_id is not null group by epci_code
)
select
    e.epci_code,
    e.epci_name,
    e.population,
    e.n_tiers_lieux,
    coalesce(g.n_grants, 0)                                 as n_grants_to_places,
    coalesce(g.n_places_funded, 0)                          as n_places_funded,
    coalesce(g.amount_eur, 0)                               as amount_to_places_eur,
    coalesce(g.amount_eur, 0) / nullif(e.population, 0)     as amount_per_inhabitant_eur,
    coalesce(g.amount_eur, 0) / nullif(e.n_tiers_lieux, 0)  as amount_per_place_eur,
    g.grant_years
from {{ ref('fct_coverage_epci') }} e
left join grants g using (epci_code)
