-- Funding per territory (every level): the published grants matched to its tiers-lieux (fct_grants)
-- and the estimated funding of the national programmes for its France Services and labels
-- (fct_programme_funding_place), in total, per inhabitant and per place, with the région's and the
-- nation's figures for comparison.
-- The published grants are summed over every year loaded (fct_grants.grant_year: the convention date's
-- year, else the file name's): grant_years lists the years of the grants counted in the territory and
-- grant_years_loaded the years of all the grants loaded (the period the amounts cover; the Toulouse SCDL
-- files: 2022 and 2023). The amounts per funder and year are in fct_funding_funder.
-- A programme's estimated amount is null when no amount of it is known anywhere (no list loaded, or a
-- programme without a published amount rule: Manufactures de proximité, Petites villes de demain). The
-- territories count the items placed in a commune; items without a commune are in
-- fct_funding_funder_programme (placement 'non_localise').
{%- set progs = programmes() %}
with b as (select * from {{ ref('int_commune_territory') }}),
-- Programmes with at least one estimated amount loaded: the others' columns are null ("non disponible":
-- no list loaded, or no published amount rule), never 0.
estimable as (
    select distinct programme_code from {{ ref('fct_programme_funding_place') }}
    where estimated_central_eur is not null
),
grants as (
    select b.territory_level, b.territory_code,
           count(*)                        as n_grants_to_places,
           count(distinct g.place_id)      as n_places_funded,
           sum(g.amount_eur)               as amount_to_places_eur,
           string_agg(distinct cast(g.grant_year as varchar), ', ' order by cast(g.grant_year as varchar)) as grant_years
    from {{ ref('fct_grants') }} g join b using (commune_code)
    where g.place_id is not null
    group by all
),
estimates as (
    select b.territory_level, b.territory_code,
           count(*)                                                          as n_programme_items,
           sum(e.estimated_annual_central_eur)                               as estimated_annual_eur,
           sum(e.estimated_central_eur) filter (where e.period_years is null) as estimated_one_off_eur,
           {%- for prog in progs %}
           sum(e.estimated_central_eur) filter (where e.programme_code = '{{ prog }}') as estimated_{{ prog }}_eur{% if not loop.last %},{% endif %}
           {%- endfor %}
    from {{ ref('fct_programme_funding_place') }} e join b using (commune_code)
    group by all
),
base as (
    select
        c.territory_level, c.territory_code, c.territory_name, c.departement_code, c.region_code, c.in_territory,
        c.population, c.n_tiers_lieux, c.n_france_services, c.n_labels,
        coalesce(g.n_grants_to_places, 0)                                  as n_grants_to_places,
        coalesce(g.n_places_funded, 0)                                     as n_places_funded,
        coalesce(g.amount_to_places_eur, 0)                                as amount_to_places_eur,
        g.grant_years,
        {{ ratio('coalesce(g.amount_to_places_eur, 0)', 'c.population') }}  as amount_to_places_per_inhabitant_eur,
        {{ ratio('coalesce(g.amount_to_places_eur, 0)', 'c.n_tiers_lieux') }} as amount_per_tiers_lieu_eur,
        coalesce(e.n_programme_items, 0)                                   as n_programme_items,
        coalesce(e.estimated_annual_eur, 0)                                as estimated_programmes_annual_eur,
        coalesce(e.estimated_one_off_eur, 0)                               as estimated_programmes_one_off_eur,
        {%- for prog in progs %}
        case when '{{ prog }}' in (select programme_code from estimable) then coalesce(e.estimated_{{ prog }}_eur, 0)
        end                                                                as estimated_{{ prog }}_eur,
        {%- endfor %}
        {{ ratio('coalesce(e.estimated_annual_eur, 0)', 'c.population') }} as estimated_programmes_annual_per_inhabitant_eur,
        {{ ratio('coalesce(e.estimated_annual_eur, 0)', 'c.n_tiers_lieux + c.n_france_services') }}
                                                                           as estimated_programmes_annual_per_place_eur
    from {{ ref('fct_coverage_territory') }} c
    left join grants g using (territory_level, territory_code)
    left join estimates e using (territory_level, territory_code)
)
select
    x.*,
    reg.amount_to_places_per_inhabitant_eur              as region_amount_to_places_per_inhabitant_eur,
    nat.amount_to_places_per_inhabitant_eur              as national_amount_to_places_per_inhabitant_eur,
    reg.estimated_programmes_annual_per_inhabitant_eur   as region_estimated_programmes_annual_per_inhabitant_eur,
    nat.estimated_programmes_annual_per_inhabitant_eur   as national_estimated_programmes_annual_per_inhabitant_eur,
    {{ sources_note(['subventions', 'surveys', 'tierslieux_2019', 'france_services', 'programme_laureates',
                     'conseillers_numeriques', 'populations']) }}
        || ' ; règles des programmes : seed ref_programmes'  as sources,
    (select string_agg(distinct cast(grant_year as varchar), ', ' order by cast(grant_year as varchar))
     from {{ ref('fct_grants') }})                        as grant_years_loaded
from base x
left join base reg on reg.territory_level = 'region' and reg.territory_code = x.region_code
left join base nat on nat.territory_level = 'national'
