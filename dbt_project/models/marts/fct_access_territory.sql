-- Per territory (canton, EPCI, département, région, national), kind of place and configured distance
-- (var access_distances_km, default 5, 10, 20 km): the population whose commune centre is within
-- that straight-line distance of a place of that kind (a commune at exactly the distance counts as
-- within; distances are rounded to the metre). A proxy for travel time, never a travel time. Only
-- communes with coordinates are counted: population_with_coordinates says how much that covers.
{%- set distances = var('access_distances_km') %}
-- One pass over (commune, kind) rows per territory with one filtered sum per distance, then one row
-- per distance: the distance list is a var, so the columns are generated.
with b as (select * from {{ ref('int_commune_territory') }} where territory_level <> 'commune'),
-- Every commune with coordinates and every kind (int_access_kinds), as in fct_access_commune_kind
-- (read from int_nearest_place so that this model does not wait for that one).
a as (
    select c.commune_code, k.kind, n.nearest_km, c.population
    from {{ ref('dim_commune') }} c
    cross join {{ ref('int_access_kinds') }} k
    left join {{ ref('int_nearest_place') }} n on n.commune_code = c.commune_code and n.kind = k.kind
    where c.latitude is not null and c.longitude is not null
),
per_kind_wide as (
    select b.territory_level, b.territory_code, a.kind,
           count(*)                                                              as n_communes_with_coordinates,
           coalesce(sum(a.population), 0)                                        as population_with_coordinates,
           {%- for km in distances %}
           count(*) filter (where a.nearest_km <= {{ km }})                      as n_within_{{ loop.index }},
           coalesce(sum(a.population) filter (where a.nearest_km <= {{ km }}), 0) as population_within_{{ loop.index }},
           {%- endfor %}
           sum(a.population * a.nearest_km) / nullif(sum(a.population) filter (where a.nearest_km is not null), 0)
                                                                                 as mean_nearest_km_per_inhabitant
    from a join b using (commune_code)
    group by b.territory_level, b.territory_code, a.kind
),
per_kind as (
    {%- for km in distances %}
    select territory_level, territory_code, kind, {{ km }}::double as distance_km, n_communes_with_coordinates,
           population_with_coordinates, n_within_{{ loop.index }} as n_communes_within,
           population_within_{{ loop.index }} as population_within, mean_nearest_km_per_inhabitant
    from per_kind_wide
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
)
select
    t.territory_level,
    t.territory_code,
    t.territory_name,
    t.departement_code,
    t.region_code,
    t.in_territory,
    p.kind,
    k.kind_label,
    p.distance_km,
    t.population                                                      as population,
    p.population_with_coordinates,
    p.n_communes_with_coordinates,
    p.population_within,
    p.n_communes_within,
    {{ ratio('p.population_within', 'p.population_with_coordinates') }} as share_within,
    p.mean_nearest_km_per_inhabitant,
    {{ sources_note(['tierslieux_2019', 'france_services', 'surveys', 'communes_geo', 'populations']) }} as sources
from per_kind p
join {{ ref('dim_territory') }} t using (territory_level, territory_code)
join {{ ref('int_access_kinds') }} k using (kind)
