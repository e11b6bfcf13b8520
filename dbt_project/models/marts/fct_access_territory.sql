-- Per territory (canton, EPCI, département, région, national), kind of place and configured distance
-- (var access_distances_km, default 5, 10, 20 km): the population whose commune centre is within
-- that straight-line distance of a place of that kind (a commune at exactly the distance counts as
-- within; distances are rounded to the metre). A proxy for travel time, never a travel time. Only
-- communes with coordinates are counted: population_with_coordinates says how much that covers.
{%- set distances = var('access_distances_km') %}
-- Two passes: the (commune, kind) rows summed per kind and combination of the commune's canton, EPCI,
-- département and région (a few thousand cells), then the cells summed per territory of each level, with
-- one filtered sum per distance; then one row per distance (the distance list is a var, so the columns
-- are generated). A commune without canton or EPCI has no row at that level, as in int_commune_territory.
with a as (
    select c.canton_code, c.epci_code, c.departement_code, c.region_code, k.kind, n.nearest_km, c.population
    from {{ ref('dim_commune') }} c
    cross join {{ ref('int_access_kinds') }} k
    left join {{ ref('int_nearest_place') }} n on n.commune_code = c.commune_code and n.kind = k.kind
    where c.latitude is not null and c.longitude is not null
),
cells as (
    select canton_code, epci_code, departement_code, region_code, kind,
           count(*)                                                    as n_communes,
           sum(population)                                             as population,
           {%- for km in distances %}
           count(*) filter (where nearest_km <= {{ km }})              as n_within_{{ loop.index }},
           sum(population) filter (where nearest_km <= {{ km }})       as population_within_{{ loop.index }},
           {%- endfor %}
           sum(population * nearest_km)                                as population_km,
           sum(population) filter (where nearest_km is not null)       as population_known
    from a
    group by all
),
levels as (
    {%- for level, code in [('canton', 'canton_code'), ('epci', 'epci_code'), ('departement', 'departement_code'),
                            ('region', 'region_code'), ('national', "'FR'")] %}
    select '{{ level }}' as territory_level, {{ code }} as territory_code, * from cells
    {%- if level != 'national' %} where {{ code }} is not null{% endif %}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),
per_kind_wide as (
    select territory_level, territory_code, kind,
           sum(n_communes)                                                       as n_communes_with_coordinates,
           coalesce(sum(population), 0)                                          as population_with_coordinates,
           {%- for km in distances %}
           sum(n_within_{{ loop.index }})                                        as n_within_{{ loop.index }},
           coalesce(sum(population_within_{{ loop.index }}), 0)                  as population_within_{{ loop.index }},
           {%- endfor %}
           sum(population_km) / nullif(sum(population_known), 0)                 as mean_nearest_km_per_inhabitant
    from levels
    group by territory_level, territory_code, kind
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
    t.population,
    p.population_with_coordinates,
    p.n_communes_with_coordinates,
    p.population_within,
    p.n_communes_within,
    -- Null ("non calculé", base_note says why) for a kind of which no source loaded any place.
    case when lk.kind is not null
         then {{ ratio('p.population_within', 'p.population_with_coordinates') }} end as share_within,
    -- The base of share_within: the population of the communes with a known centre, as a share of the
    -- territory's population, and what that means in French (null note at 100 %; the percentage is
    -- rounded down and kept below 100 so that a base short of the whole population never reads 100,0 %).
    {{ ratio('p.population_with_coordinates', 't.population') }}        as share_population_base,
    case when lk.kind is null
             then 'non calculé : aucun lieu de ce type dans les sources chargées'
         when coalesce(p.population_with_coordinates, 0) = 0
             then 'non calculé : aucune commune du territoire n''a de centre connu'
         when p.population_with_coordinates < t.population
             then 'calculé sur ' || replace(printf('%.1f', least(99.9, floor(1000.0 * p.population_with_coordinates
                                                                         / t.population) / 10)), '.', ',')
                  || ' % de la population (communes sans centre connu exclues)'
    end                                                               as base_note,
    p.mean_nearest_km_per_inhabitant,
    {{ sources_note(['tierslieux_2019', 'france_services', 'surveys', 'communes_geo', 'populations']) }} as sources
from per_kind p
join {{ ref('dim_territory') }} t using (territory_level, territory_code)
join {{ ref('int_access_kinds') }} k using (kind)
-- the kinds of which a source loaded at least one place
left join (select distinct kind from {{ ref('int_access_targets') }}) lk on lk.kind = p.kind
