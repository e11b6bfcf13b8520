-- Workers out of the EPCI are a subset of workers out of the commune, themselves a subset of all.
{{ config(meta={'label': "navetteurs cohérents : hors EPCI inclus dans hors commune, inclus dans les actifs résidents"}) }}
select * from {{ ref('fct_commuting_commune') }}
where commuters_out_of_epci > commuters_out_of_commune + 1e-9
   or commuters_out_of_commune > active_residents + 1e-9
   or working_in_commune + commuters_out_of_commune - active_residents not between -1e-6 and 1e-6
