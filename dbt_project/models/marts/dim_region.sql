-- One row per région of dim_commune: name (Etalab regions.json, else seed ref_regions, else the
-- communes-france file), chef-lieu, départements, communes and legal population.
with c as (select * from {{ ref('dim_commune') }}),
e as (select * from {{ ref('stg_regions_etalab') }})
select
    c.region_code,
    coalesce(any_value(e.region_name), any_value(s.region_name), mode(c.region_name),
             'Région ' || c.region_code)               as region_name,
    any_value(e.chef_lieu_code)                        as chef_lieu_code,
    count(distinct c.departement_code)                 as n_departements,
    count(*)                                           as n_communes,
    sum(c.population)                                  as population,
    bool_or(c.in_territory)                            as in_territory
from c
left join e using (region_code)
left join {{ ref('ref_regions') }} s using (region_code)
where c.region_code is not null
group by c.region_code
