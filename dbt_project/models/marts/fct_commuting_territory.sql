-- Home-to-work commuting per territory at every level (commune, canton, EPCI, département, région,
-- national): the communes' figures of fct_commuting_commune summed over the territory's communes that have
-- flows (the Mobilités page). With an extract of the flows (flows_coverage 'extrait_seuil' in at least one
-- commune) the sums are those of the flows published: minimums, not the residents' totals.
with b as (select * from {{ ref('int_commune_territory') }}),
agg as (
    select b.territory_level, b.territory_code,
           count(*)                                                            as n_communes_with_flows,
           count(*) filter (where m.flows_coverage = 'extrait_seuil')          as n_communes_flows_extract,
           max(m.flows_threshold_workers)                                      as flows_threshold_workers,
           sum(m.commuters_in_flows)                                           as commuters_in_flows,
           sum(m.commuters_out_of_commune)                                     as commuters_out_of_commune,
           sum(m.long_commuters)                                               as long_commuters,
           sum(m.unserved_long_commuters)                                      as unserved_long_commuters,
           max(m.long_commute_km)                                              as long_commute_km,
           max(m.census_year)                                                  as census_year
    from {{ ref('fct_commuting_commune') }} m join b using (commune_code)
    group by b.territory_level, b.territory_code
)
select
    t.territory_level,
    t.territory_code,
    t.territory_name,
    t.departement_code,
    t.region_code,
    t.in_territory,
    t.n_communes,
    coalesce(a.n_communes_with_flows, 0)                    as n_communes_with_flows,
    coalesce(a.n_communes_flows_extract, 0)                 as n_communes_flows_extract,
    case when coalesce(a.n_communes_with_flows, 0) = 0 then null
         when a.n_communes_flows_extract > 0 then 'extrait_seuil'
         else 'complet' end                                 as flows_coverage,
    a.flows_threshold_workers,
    a.census_year,
    a.long_commute_km,
    a.commuters_in_flows,
    a.commuters_out_of_commune,
    a.long_commuters,
    a.unserved_long_commuters
from {{ ref('dim_territory') }} t
left join agg a using (territory_level, territory_code)
