-- For each commune with coordinates and each kind of place (int_access_kinds), the straight-line
-- distance from the commune centre to the nearest place of that kind and which place it is. A
-- proxy for travel time, never a travel time. Null when no place of that kind is loaded.
with communes as (
    select commune_code, commune_name, epci_code, departement_code, region_code, population
    from {{ ref('dim_commune') }} where latitude is not null and longitude is not null
),
named as (
    select place_id as id, place_name as name, commune_code from {{ ref('dim_place') }}
    union all
    select label_id, label_name, commune_code from {{ ref('dim_programme_label') }}
)
select
    c.commune_code,
    c.commune_name,
    c.epci_code,
    c.departement_code,
    c.region_code,
    c.population,
    k.kind,
    k.kind_label,
    k.kind_group,
    n.nearest_km,
    n.nearest_id                 as nearest_place_id,
    nm.name                      as nearest_place_name,
    nm.commune_code              as nearest_place_commune_code
from communes c
cross join {{ ref('int_access_kinds') }} k
left join {{ ref('int_nearest_place') }} n on n.commune_code = c.commune_code and n.kind = k.kind
left join named nm on nm.id = n.nearest_id
