-- Workers of each EPCI by place of work (sums of fct_commuting_commune over its communes).
-- flows_coverage: 'sans_donnees' when no commune of the EPCI has any flow in the file loaded (every count
-- is then null, not 0: nothing is known), 'extrait_seuil' when one of its communes has its flows from an
-- extract (no stayers, no small flows: int_commuting_flows), else 'complet'. active_residents and the
-- shares need the residents' total: they are given for 'complet' only; commuters_in_flows is the sum of
-- the flows published.
with c as (select * from {{ ref('fct_commuting_commune') }}),
agg as (
    select
        e.epci_code,
        e.epci_name,
        e.population,
        max(c.census_year)                                      as census_year,
        count(c.commune_code)                                   as n_communes_with_flows,
        bool_and(c.flows_coverage = 'complet')                  as is_complete,
        max(c.flows_threshold_workers)                          as flows_threshold_workers,
        sum(c.commuters_in_flows)                               as commuters_in_flows,
        sum(c.commuters_out_of_commune)                         as commuters_out_of_commune,
        sum(c.commuters_out_of_epci)                            as commuters_out_of_epci,
        sum(c.commuters_to_poles)                               as commuters_to_poles,
        sum(c.long_commuters)                                   as long_commuters,
        sum(c.commuters_distance_unknown)                       as commuters_distance_unknown,
        sum(c.unserved_long_commuters)                          as unserved_long_commuters,
        count(*) filter (where c.is_employment_pole)            as n_employment_poles
    from {{ ref('dim_epci') }} e
    left join c using (epci_code)
    group by e.epci_code, e.epci_name, e.population
)
select
    epci_code,
    epci_name,
    population,
    census_year,
    case when is_complete then commuters_in_flows end       as active_residents,
    commuters_out_of_commune,
    commuters_out_of_epci,
    case when is_complete then {{ ratio('commuters_out_of_epci', 'commuters_in_flows') }} end as share_out_of_epci,
    -- Added columns (see fct_commuting_commune).
    commuters_to_poles,
    long_commuters,
    commuters_distance_unknown,
    case when is_complete then {{ ratio('long_commuters', 'commuters_in_flows') }} end as share_long_commuters,
    unserved_long_commuters,
    n_employment_poles,
    {{ var('long_commute_km') }}                            as long_commute_km,
    -- Coverage of the flows (see fct_commuting_commune).
    commuters_in_flows,
    n_communes_with_flows,
    case when n_communes_with_flows = 0 then 'sans_donnees'
         when is_complete then 'complet'
         else 'extrait_seuil' end                           as flows_coverage,
    case when not is_complete then flows_threshold_workers end as flows_threshold_workers
from agg
