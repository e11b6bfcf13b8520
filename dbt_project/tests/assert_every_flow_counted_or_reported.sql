-- Every worker of the flow file is either in fct_commuting_commune or reported in quality_commuting_flows.
{{ config(meta={'label': "chaque actif du fichier des flux est compté ou signalé (quality_commuting_flows)"}) }}
with loaded as (select coalesce(sum(workers), 0) as w from {{ ref('stg_mobpro_flows') }}),
counted as (select coalesce(sum(commuters_in_flows), 0) as w from {{ ref('fct_commuting_commune') }}),
reported as (select coalesce(sum(workers), 0) as w from {{ ref('quality_commuting_flows') }})
select loaded.w as loaded, counted.w as counted, reported.w as reported
from loaded, counted, reported
where abs(loaded.w - counted.w - reported.w) > 1e-6
