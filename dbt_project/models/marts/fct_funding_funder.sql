select
    funder_name,
    count(*)                                                   as n_grants,
    sum(amount_eur)                                            as amount_eur,
    count(*) filter (where place_id is not null)               as n_grants_to_places,
    coalesce(sum(amount_eur) filter (where place_id is not null), 0) as amount_to_places_eur,
    count(distinct place_id)                                   as n_places_funded
from {{ ref('fct_grants') }}
group by funder_name
