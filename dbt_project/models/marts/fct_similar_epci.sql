-- For each EPCI, the 5 EPCI most similar to it (the Fiche territoire's « EPCI comparables »): the same
-- dominant density level (the level of the INSEE density grid held by most of its communes; ties: the
-- level with the larger population, then the denser level), then the closest population on a log scale
-- (smallest |ln(population) - ln(population of the EPCI)|; ties: the smaller SIREN). When the EPCI's own
-- dominant level is unknown, every EPCI is a candidate. Only EPCI with inhabitants are candidates.
-- Only the referential decides (dim_commune, dim_epci), so a survey-only refresh leaves it as it is; the
-- figures of the similar EPCI are those of fct_summary_territory (the dashboard joins them).
{%- set n_similar = 5 %}
with density as (
    select epci_code, density_level, count(*) as n_communes, coalesce(sum(population), 0) as population
    from {{ ref('dim_commune') }}
    where epci_code is not null and density_level is not null
    group by epci_code, density_level
),
dominant as (
    select epci_code, density_level
    from density
    qualify row_number() over (partition by epci_code
                               order by n_communes desc, population desc, density_level) = 1
),
epci as (
    select e.epci_code as territory_code, e.epci_name as territory_name, e.population,
           d.density_level as dominant_density_level
    from {{ ref('dim_epci') }} e
    left join dominant d using (epci_code)
),
pairs as (
    select
        e.territory_code                                                as epci_code,
        e.territory_name                                                as epci_name,
        e.dominant_density_level,
        o.territory_code                                                as similar_epci_code,
        o.territory_name                                                as similar_epci_name,
        abs(ln(o.population) - ln(greatest(coalesce(e.population, 0), 1))) as log_population_gap,
        o.population
    from epci e
    join epci o
        on o.territory_code <> e.territory_code
        and o.population > 0
        and (o.dominant_density_level = e.dominant_density_level or e.dominant_density_level is null)
)
select
    epci_code,
    epci_name,
    dominant_density_level,
    row_number() over (partition by epci_code order by log_population_gap, similar_epci_code) as similarity_rank,
    similar_epci_code,
    similar_epci_name,
    log_population_gap,
    population
from pairs
qualify similarity_rank <= {{ n_similar }}
