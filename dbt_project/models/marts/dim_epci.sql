-- One row per EPCI that has member communes in dim_commune (membership from Etalab epci.json, else the
-- communes-france file), with the population summed from the communes (legal population of the COG
-- vintage), the population Etalab publishes, and the ANCT centroid.
with c as (select * from {{ ref('dim_commune') }} where epci_code is not null),
e as (select * from {{ ref('stg_epci_etalab') }}),
centroids as (
    select epci_code, any_value(latitude) as latitude, any_value(longitude) as longitude
    from {{ ref('stg_epci_centroids') }} where centroid_type = 'epci' group by epci_code
)
select
    c.epci_code,
    any_value(c.epci_name)        as epci_name,
    count(*)                      as n_communes,
    sum(c.population)             as population,
    bool_or(c.in_territory)       as in_territory,
    -- Added columns (referential).
    any_value(e.epci_type)                                   as epci_type,
    any_value(e.population_municipale_published)             as population_municipale_published,
    arg_max(c.departement_code, coalesce(c.population, 0))   as departement_code,
    arg_max(c.region_code, coalesce(c.population, 0))        as region_code,
    any_value(k.latitude)                                    as latitude,
    any_value(k.longitude)                                   as longitude
from c
left join e using (epci_code)
left join centroids k using (epci_code)
group by c.epci_code
