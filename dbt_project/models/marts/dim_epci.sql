select
    epci_code,
    any_value(epci_name)        as epci_name,
    count(*)                    as n_communes,
    sum(population)             as population,
    bool_or(in_territory)       as in_territory
from {{ ref('dim_commune') }}
where epci_code is not null
group by epci_code
