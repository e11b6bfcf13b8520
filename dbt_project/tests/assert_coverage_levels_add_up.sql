-- Every level of fct_coverage_territory that partitions the communes adds up to the national total.
{{ config(meta={'label': "couverture : communes, départements et régions s'additionnent au total national"}) }}
with nat as (select n_tiers_lieux, n_france_services, population from {{ ref('fct_coverage_territory') }} where territory_level = 'national'),
lvl as (
    select territory_level, sum(n_tiers_lieux) as n_tiers_lieux, sum(n_france_services) as n_france_services,
           sum(population) as population
    from {{ ref('fct_coverage_territory') }} where territory_level in ('commune', 'departement', 'region')
    group by territory_level
)
select lvl.* from lvl, nat
where lvl.n_tiers_lieux <> nat.n_tiers_lieux or lvl.n_france_services <> nat.n_france_services
   or lvl.population is distinct from nat.population
