-- Attributes of every commune of the COG vintage gathered from the other referential sources, each
-- harmonised through dim_commune_code_history first (sources of other vintages): legal population (sum
-- of the codes that make the commune today, arrondissements included), centre coordinates, EPCI, density
-- level, rurality type, postcodes. Centres come from int_commune_centres (checked for plausibility).
-- When several published codes feed one commune (merged communes), a categorical value is taken from the row published under the commune's own code, else from the
-- smallest code.
with h as (select * from {{ ref('dim_commune_code_history') }}),
pop as (
    select h.commune_code,
           sum(p.population_municipale)   as population,
           sum(p.population_totale)       as population_totale,
           count(*)                       as n_population_codes,
           any_value(regexp_extract(p._file, '(19|20)\d\d', 0)) as population_file_year
    from {{ ref('stg_populations') }} p join h on h.old_code = p.commune_code
    group by h.commune_code
),
geo as (
    select h.commune_code,
           arg_min(g.epci_code, (g.commune_code <> h.commune_code, g.commune_code)) filter (where g.epci_code is not null) as epci_code,
           arg_min(g.epci_name, (g.commune_code <> h.commune_code, g.commune_code)) filter (where g.epci_code is not null) as epci_name,
           arg_min(g.density_level, (g.commune_code <> h.commune_code, g.commune_code)) filter (where g.density_level is not null) as density_level,
           arg_min(g.density_label, (g.commune_code <> h.commune_code, g.commune_code)) filter (where g.density_level is not null) as density_label,
           arg_min(g.departement_name, (g.commune_code <> h.commune_code, g.commune_code)) filter (where g.departement_name is not null) as departement_name,
           arg_min(g.region_name, (g.commune_code <> h.commune_code, g.commune_code)) filter (where g.region_name is not null) as region_name
    from {{ ref('stg_communes_geo') }} g join h on h.old_code = g.commune_code
    where coalesce(g.geo_commune_type, 'COM') in ('COM', 'COMD', 'COMA')
      -- a centre published under another code is only used for a commune with no row of its own
      and (g.commune_code = h.commune_code
           or h.commune_code not in (select commune_code from {{ ref('stg_communes_geo') }}))
    group by h.commune_code
),
members as (
    select h.commune_code, min(m.epci_code) as epci_code, count(distinct m.epci_code) as n_epci
    from {{ ref('stg_epci_members') }} m join h on h.old_code = m.member_code
    group by h.commune_code
),
density as (
    select h.commune_code,
           arg_min(d.density_level, (d.published_commune_code <> h.commune_code, d.published_commune_code)) as density_level,
           arg_min(d.density_label, (d.published_commune_code <> h.commune_code, d.published_commune_code)) as density_label
    from {{ ref('stg_grille_densite') }} d join h on h.old_code = d.published_commune_code
    group by h.commune_code
),
rurality as (
    select h.commune_code,
           arg_min(r.rurality_type, (r.published_commune_code <> h.commune_code, r.published_commune_code)) as rurality_type
    from {{ ref('stg_typologie_ruralite') }} r join h on h.old_code = r.published_commune_code
    group by h.commune_code
),
etalab as (
    select h.commune_code,
           arg_min(e.commune_name, (e.commune_code <> h.commune_code, e.commune_code)) as etalab_name,
           arg_min(e.siren, (e.commune_code <> h.commune_code, e.commune_code)) filter (where e.siren is not null) as siren,
           list_sort(list_distinct(flatten(list(e.postcodes)))) as postcodes
    from {{ ref('stg_communes_etalab') }} e join h on h.old_code = e.commune_code
    group by h.commune_code
)
select
    h.commune_code,
    pop.population, pop.population_totale, pop.n_population_codes, pop.population_file_year,
    centre.latitude, centre.longitude, centre.centre_file, centre.centre_method,
    coalesce(members.epci_code, geo.epci_code) as epci_code,
    case when members.epci_code is not null then 'etalab_epci' when geo.epci_code is not null then 'communes_geo' end as epci_source,
    geo.epci_name                             as geo_epci_name,
    coalesce(geo.density_level, density.density_level) as density_level,
    coalesce(geo.density_label, density.density_label) as density_label,
    rurality.rurality_type,
    geo.departement_name, geo.region_name,
    etalab.siren,
    coalesce(etalab.postcodes, [])            as postcodes
from (select distinct commune_code from h) h
left join pop using (commune_code)
left join geo using (commune_code)
left join {{ ref('int_commune_centres') }} centre using (commune_code)
left join members using (commune_code)
left join density using (commune_code)
left join rurality using (commune_code)
left join etalab using (commune_code)
