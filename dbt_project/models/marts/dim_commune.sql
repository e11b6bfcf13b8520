{% set deps = var('territory_departements') %}
with cog as (
    select * from {{ ref('stg_cog_communes') }} where commune_type = 'COM'
),
pop as (select * from {{ ref('stg_populations') }}),
geo as (select * from {{ ref('stg_communes_geo') }})
select
    cog.commune_code,
    cog.commune_name,
    cog.departement_code,
    cog.region_code,
    cog.canton_code,
    geo.epci_code,
    geo.epci_name,
    pop.population_municipale                       as population,
    pop.population_totale,
    geo.latitude,
    geo.longitude,
    geo.density_level,
    geo.density_label,
    {% if deps %}cog.departement_code in ({% for d in deps %}'{{ d }}'{% if not loop.last %}, {% endif %}{% endfor %}){% else %}true{% endif %} as in_territory
from cog
left join pop using (commune_code)
left join geo using (commune_code)
