-- One row per commune (TYPECOM = COM) of the COG vintage loaded, with the attributes of the other
-- referential sources harmonised to that vintage (int_commune_attributes). Canton rule: canton_code is the
-- COG's; canton_status says "canton", "pseudo_canton" (codes ending 90-99: a town split between several
-- cantons, kept as a canton of its own and flagged) or "sans_canton" (Paris, Métropole de Lyon, Martinique,
-- Guyane: no canton exists; those communes count at every level except the canton level).
{%- set deps = var('territory_departements', []) %}
{%- set regs = var('territory_regions', []) %}
{%- set epcis = var('territory_epcis', []) %}
{%- set conds = [] %}
{%- if deps %}{% do conds.append("cog.departement_code in ('" ~ (deps | join("', '")) ~ "')") %}{% endif %}
{%- if regs %}{% do conds.append("cog.region_code in ('" ~ (regs | join("', '")) ~ "')") %}{% endif %}
{%- if epcis %}{% do conds.append("a.epci_code in ('" ~ (epcis | join("', '")) ~ "')") %}{% endif %}
with cog as (
    select * from {{ ref('stg_cog_communes') }} where commune_type = 'COM'
    qualify row_number() over (partition by commune_code order by _row) = 1
),
a as (select * from {{ ref('int_commune_attributes') }}),
epci as (select * from {{ ref('stg_epci_etalab') }}),
deps as (select departement_code, any_value(departement_name) as departement_name from {{ ref('stg_departements_etalab') }} group by all),
regs as (select region_code, any_value(region_name) as region_name from {{ ref('stg_regions_etalab') }} group by all)
select
    cog.commune_code,
    cog.commune_name,
    cog.departement_code,
    cog.region_code,
    cog.canton_code,
    a.epci_code,
    coalesce(epci.epci_name, a.geo_epci_name)                       as epci_name,
    a.population,
    a.population_totale,
    a.latitude,
    a.longitude,
    regexp_extract(a.centre_file, '[^/\\]+$')                     as centre_source_file,
    a.centre_method,
    -- Land mass for nearest-facility searches: a commune is served by facilities of its own land mass
    -- (each overseas département, Corsica, the mainland); smaller islands are not told apart.
    case when cog.departement_code in ('971', '972', '973', '974', '976') then cog.departement_code
         when cog.departement_code in ('2A', '2B') then 'corse'
         else 'metropole' end                                        as land_mass,
    a.density_level,
    a.density_label,
    {% if conds %}coalesce({{ conds | join(' or ') }}, false){% else %}true{% endif %} as in_territory,
    -- Added columns (referential).
    try_cast(regexp_extract(cog._file, '(19|20)\d\d', 0) as integer) as cog_vintage,
    coalesce({{ var('population_year', 'null') }}, try_cast(a.population_file_year as integer)) as population_year,
    a.n_population_codes,
    case when cog.canton_code is null then 'sans_canton'
         when try_cast(right(cog.canton_code, 2) as integer) between 90 and 99 then 'pseudo_canton'
         else 'canton' end                                           as canton_status,
    epci.epci_type,
    a.epci_source,
    coalesce(d.departement_name, a.departement_name)                 as departement_name,
    coalesce(r.region_name, a.region_name)                           as region_name,
    a.rurality_type,
    a.postcodes,
    a.siren
from cog
left join a using (commune_code)
left join epci on epci.epci_code = a.epci_code
left join deps d on d.departement_code = cog.departement_code
left join regs r on r.region_code = cog.region_code
