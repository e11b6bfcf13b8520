-- Which territories each commune belongs to, one row per commune and level (commune, canton, EPCI,
-- département, région, national): aggregating any commune-level figure to every level is one join.
-- A commune without canton (Paris, Métropole de Lyon, Martinique, Guyane) or without EPCI in the
-- referential has no row at that level.
with c as (select * from {{ ref('dim_commune') }})
select commune_code, 'commune' as territory_level, commune_code as territory_code from c
union all
select commune_code, 'canton', canton_code from c where canton_code is not null
union all
select commune_code, 'epci', epci_code from c where epci_code is not null
union all
select commune_code, 'departement', departement_code from c where departement_code is not null
union all
select commune_code, 'region', region_code from c where region_code is not null
union all
select commune_code, 'national', 'FR' from c
