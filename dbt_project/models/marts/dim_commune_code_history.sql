-- Code harmonisation: every commune code a source may publish (older vintages, communes déléguées and
-- associées, municipal arrondissements) -> the commune of the COG vintage loaded (stg_cog_communes, TYPECOM
-- = COM). Every source is joined to the referential through this table (old_code = published code).
-- Rules, first applicable wins:
--   1. actuelle                  a commune of the vintage maps to itself;
--   2. arrondissement_municipal  an arrondissement of Paris, Lyon, Marseille -> 75056, 69123, 13055 (COG
--                                COMPARENT of the ARM rows, else Etalab "commune");
--   3. commune_deleguee / commune_associee   a COMD / COMA of the COG -> its COMPARENT;
--   4. etalab_chef_lieu          a commune déléguée / associée of Etalab communes.json -> its chefLieu;
--   5. ancien_code_fusionne      a code listed in the anciensCodes of an Etalab commune actuelle (communes
--                                merged into a commune nouvelle) -> that commune.
-- A target must be a commune of the vintage: a code whose only targets are not (e.g. an Etalab vintage
-- newer than the COG) is left out and the rows using it are reported as unplaced. When rules 4-5 give
-- several targets, the smallest code is kept and n_candidates says how many there were.
with com as (
    select commune_code from {{ ref('stg_cog_communes') }} where commune_type = 'COM' group by commune_code
),
cog_other as (
    select commune_code as old_code, parent_commune_code as commune_code,
           case commune_type when 'ARM' then 'arrondissement_municipal' when 'COMD' then 'commune_deleguee'
                             else 'commune_associee' end as method,
           case commune_type when 'ARM' then 2 else 3 end as priority,
           'cog' as evidence_source
    from {{ ref('stg_cog_communes') }}
    where commune_type in ('COMD', 'COMA', 'ARM') and parent_commune_code is not null
),
etalab as (select * from {{ ref('stg_communes_etalab') }}),
etalab_parents as (
    select commune_code as old_code, parent_code as commune_code,
           case when etalab_type = 'arrondissement-municipal' then 'arrondissement_municipal'
                else 'etalab_chef_lieu' end as method,
           case when etalab_type = 'arrondissement-municipal' then 2 else 4 end as priority,
           'etalab' as evidence_source
    from etalab
    where etalab_type <> 'commune-actuelle' and parent_code is not null
),
etalab_merged as (
    select {{ commune_code('o') }} as old_code, e.commune_code, 'ancien_code_fusionne' as method, 5 as priority,
           'etalab' as evidence_source
    from etalab e, unnest(e.old_codes) t(o)
    where e.etalab_type = 'commune-actuelle'
),
candidates as (
    select commune_code as old_code, commune_code, 'actuelle' as method, 1 as priority, 'cog' as evidence_source
    from com
    union all select * from cog_other
    union all select * from etalab_parents
    union all select * from etalab_merged
),
valid as (
    select c.* from candidates c
    join com as vintage on vintage.commune_code = c.commune_code
    where c.old_code is not null
      -- a commune of the vintage is never redirected elsewhere
      and (c.method = 'actuelle' or c.old_code not in (select commune_code from com))
),
best_priority as (
    select old_code, min(priority) as priority from valid group by old_code
)
select
    v.old_code,
    min(v.commune_code)                     as commune_code,
    any_value(v.method)                     as method,
    string_agg(distinct v.evidence_source, ',' order by v.evidence_source) as evidence_source,
    count(distinct v.commune_code)          as n_candidates
from valid v join best_priority using (old_code, priority)
group by v.old_code
