-- COG codes that are not communes of the referential but point to one: communes déléguées and
-- associées (merged into a commune nouvelle) and municipal arrondissements (Paris, Lyon, Marseille),
-- with their parent commune. Sources of other vintages or published by arrondissement are brought
-- back to the referential's communes through this table.
select commune_code as old_code, min(parent_commune_code) as parent_commune_code,
       string_agg(distinct commune_type, ',') as old_code_types
from {{ ref('stg_cog_communes') }}
where commune_type in ('COMD', 'COMA', 'ARM') and parent_commune_code is not null
  and commune_code not in (select commune_code from {{ ref('stg_cog_communes') }} where commune_type = 'COM')
group by commune_code
