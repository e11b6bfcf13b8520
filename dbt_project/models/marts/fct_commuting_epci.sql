select
    e.epci_code,
    e.epci_name,
    e.population,
    max(c.census_year)                                      as census_year,
    coalesce(sum(c.active_residents), 0)                    as active_residents,
    coalesce(sum(c.commuters_out_of_commune), 0)            as commuters_out_of_commune,
    coalesce(sum(c.commuters_out_of_epci), 0)               as commuters_out_of_epci,
    coalesce(sum(c.commuters_out_of_epci), 0) / nullif(sum(c.active_residents), 0) as share_out_of_epci
from {{ ref('dim_epci') }} e
left join {{ ref('fct_commuting_commune') }} c using (epci_code)
group by e.epci_code, e.epci_name, e.population
