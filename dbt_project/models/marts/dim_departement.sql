-- One row per département of dim_commune: name (Etalab departements.json, else seed ref_departements,
-- else the communes-france file), région, chef-lieu, communes and legal population.
with c as (select * from {{ ref('dim_commune') }}),
e as (select * from {{ ref('stg_departements_etalab') }})
select
    c.departement_code,
    coalesce(any_value(e.departement_name), any_value(s.departement_name), mode(c.departement_name),
             'Département ' || c.departement_code)      as departement_name,
    arg_max(c.region_code, coalesce(c.population, 0))  as region_code,
    any_value(e.chef_lieu_code)                        as chef_lieu_code,
    count(*)                                           as n_communes,
    sum(c.population)                                  as population,
    count(distinct c.canton_code)                      as n_cantons,
    count(distinct c.epci_code)                        as n_epci,
    bool_or(c.in_territory)                            as in_territory
from c
left join e using (departement_code)
left join {{ ref('ref_departements') }} s using (departement_code)
group by c.departement_code
