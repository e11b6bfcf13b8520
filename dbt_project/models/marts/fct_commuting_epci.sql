select
    e.epci_code,
    e.epci_name,
    e.population,
    max(c.census_year)                                      as census_year,
    coalesce(sum(c.active_residents), 0)                    as active_residents,
    coalesce(sum(c.commuters_out_of_commune), 0)            as commuters_out_of_commune,
    coalesce(sum(c.commuters_out_of_epci), 0)               as commuters_out_of_epci,
    coalesce(sum(c.commuters_out_of_epci), 0) / nullif(sum(c.active_residents), 0) as share_out_of_epci,
    -- Added columns (see fct_commuting_commune).
    coalesce(sum(c.commuters_to_poles), 0)                  as commuters_to_poles,
    coalesce(sum(c.long_commuters), 0)                      as long_commuters,
    coalesce(sum(c.commuters_distance_unknown), 0)          as commuters_distance_unknown,
    coalesce(sum(c.long_commuters), 0) / nullif(sum(c.active_residents), 0) as share_long_commuters,
    coalesce(sum(c.unserved_long_commuters), 0)             as unserved_long_commuters,
    count(*) filter (where c.is_employment_pole)            as n_employment_poles,
    {{ var('long_commute_km') }}                            as long_commute_km
from {{ ref('dim_epci') }} e
left join {{ ref('fct_commuting_commune') }} c using (epci_code)
group by e.epci_code, e.epci_name, e.population
