-- One row per territory at every level (commune, canton, EPCI, département, région, national), with
-- its name, population and the département and région it belongs to (itself at those levels; for an
-- EPCI or a canton across a boundary, those of its most populated part). The national level is every
-- commune loaded (France with the real files).
{%- set national_name = "Ensemble du territoire (données fictives)" if var('territory_fictional', false) else "France" %}
with b as (select * from {{ ref('int_commune_territory') }}),
c as (select * from {{ ref('dim_commune') }}),
geo_names as (
    select 'departement' as territory_level, d.departement_code as territory_code, mode(g.departement_name) as name
    from {{ ref('stg_communes_geo') }} g join c d using (commune_code)
    where g.departement_name is not null group by all
    union all
    select 'region', d.region_code, mode(g.region_name)
    from {{ ref('stg_communes_geo') }} g join c d using (commune_code)
    where g.region_name is not null group by all
),
agg as (
    select b.territory_level, b.territory_code,
           count(*)                                  as n_communes,
           cast(sum(c.population) as bigint)         as population,
           count(*) filter (where c.latitude is not null and c.longitude is not null) as n_communes_with_coordinates,
           bool_or(c.in_territory)                   as in_territory,
           arg_max(c.departement_code, coalesce(c.population, 0)) as departement_code,
           arg_max(c.region_code, coalesce(c.population, 0))      as region_code
    from b join c using (commune_code)
    group by b.territory_level, b.territory_code
)
select
    a.territory_level,
    a.territory_code,
    case a.territory_level
        when 'commune' then com.commune_name
        when 'canton' then can.canton_name
        when 'epci' then epci.epci_name
        when 'departement' then coalesce(dep.departement_name, gn.name, 'Département ' || a.territory_code)
        when 'region' then coalesce(reg.region_name, gn.name, 'Région ' || a.territory_code)
        else '{{ national_name | replace("'", "''") }}' end                   as territory_name,
    case a.territory_level when 'commune' then 1 when 'canton' then 2 when 'epci' then 3
         when 'departement' then 4 when 'region' then 5 else 6 end            as level_rank,
    case when a.territory_level in ('region', 'national') then null else a.departement_code end as departement_code,
    case when a.territory_level = 'national' then null else a.region_code end               as region_code,
    a.n_communes,
    a.population,
    a.n_communes_with_coordinates,
    a.in_territory
from agg a
left join c com on a.territory_level = 'commune' and com.commune_code = a.territory_code
left join {{ ref('dim_canton') }} can on a.territory_level = 'canton' and can.canton_code = a.territory_code
left join {{ ref('dim_epci') }} epci on a.territory_level = 'epci' and epci.epci_code = a.territory_code
left join {{ ref('ref_departements') }} dep on a.territory_level = 'departement' and dep.departement_code = a.territory_code
left join {{ ref('ref_regions') }} reg on a.territory_level = 'region' and reg.region_code = a.territory_code
left join geo_names gn on gn.territory_level = a.territory_level and gn.territory_code = a.territory_code
