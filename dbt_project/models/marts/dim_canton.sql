-- One row per canton code of the COG communes. Codes ending 90-99 are INSEE pseudo-cantons (a town split
-- between several cantons): kept as cantons and flagged. Communes without canton (Paris, Métropole de
-- Lyon, Martinique, Guyane; dim_commune.canton_status = 'sans_canton') have no row here.
with names as (
    select canton_code, mode(canton_name) as canton_name
    from {{ ref('stg_communes_geo') }} where canton_code is not null group by canton_code
)
select
    c.canton_code,
    coalesce(n.canton_name, 'Canton ' || c.canton_code)          as canton_name,
    any_value(c.departement_code)                                 as departement_code,
    try_cast(right(c.canton_code, 2) as integer) between 90 and 99 as is_pseudo_canton,
    count(*)                                                      as n_communes,
    sum(c.population)                                             as population,
    bool_or(c.in_territory)                                       as in_territory,
    any_value(c.region_code)                                      as region_code
from {{ ref('dim_commune') }} c
left join names n using (canton_code)
where c.canton_code is not null
group by c.canton_code, n.canton_name
