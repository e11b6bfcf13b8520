-- The national files of communes are complete, département by département: a file cut at a line end has no
-- other sign of damage (its last record is whole, its rows valid) and, loaded for the first time, has no
-- previous snapshot to be compared with (ingest.load: the row count against the previous snapshot). Cut in
-- the middle, the INSEE COG (sorted by code) would silently shrink France to its first départements: every
-- figure of the others would drop, and nothing would say so.
--
-- For each département of the territory (all of them for a national observatory), the communes of each
-- referential file are counted (municipal arrondissements counted as their commune: Paris, Lyon, Marseille).
-- Another file lists more communes than the COG in a département when it is of an older vintage (communes
-- merged since); fewer is the sign of a cut. A département is in error when a file holds fewer than half the
-- communes of the COG there, or when the COG holds fewer than half of the median of the other files (the COG
-- itself cut). Decided absences: the INSEE legal populations leave Mayotte (976) out. A file with no row at
-- all is not compared (an optional source left out; its own check says so).
{%- set deps = var('territory_departements', []) %}
{%- set regs = var('territory_regions', []) %}
{{ config(severity='error', store_failures=true,
          meta={'label': 'fichiers du référentiel des communes complets, département par département'}) }}
with codes as (
    select 'cog_communes' as source_name, commune_code as code from {{ ref('stg_cog_communes') }} where commune_type = 'COM'
    union all select 'populations', commune_code from {{ ref('stg_populations') }}
    union all select 'communes_etalab', commune_code from {{ ref('stg_communes_etalab') }}
        where etalab_type in ('commune-actuelle', 'arrondissement-municipal')
    union all select 'communes_geo', commune_code from {{ ref('stg_communes_geo') }}
    union all select 'grille_densite', published_commune_code from {{ ref('stg_grille_densite') }}
    union all select 'typologie_ruralite', published_commune_code from {{ ref('stg_typologie_ruralite') }}
),
communes as (
    select distinct source_name,
           case when code between '75101' and '75120' then '75056'
                when code between '69381' and '69389' then '69123'
                when code between '13201' and '13216' then '13055'
                else code end as commune_code
    from codes
    where regexp_full_match(code, '(\d\d|2A|2B)\d{3}')
),
per_departement as (
    select source_name,
           case when commune_code like '97%' then left(commune_code, 3) else left(commune_code, 2) end as departement_code,
           count(*) as n_communes
    from communes group by all
),
regions as (
    select distinct departement_code, region_code from {{ ref('stg_cog_communes') }} where commune_type = 'COM'
),
territory as (
    select distinct p.departement_code
    from per_departement as p left join regions as r using (departement_code)
    where true
    {%- if deps %} and p.departement_code in ('{{ deps | join("', '") }}'){% endif %}
    {%- if regs %} and r.region_code in ('{{ regs | join("', '") }}'){% endif %}
),
present as (select distinct source_name from per_departement),
grid as (
    select s.source_name, t.departement_code, coalesce(p.n_communes, 0) as n_communes
    from present as s cross join territory as t
    left join per_departement as p using (source_name, departement_code)
    where not (s.source_name = 'populations' and t.departement_code = '976')
),
cog as (select departement_code, n_communes as n_cog from grid where source_name = 'cog_communes'),
others as (
    select departement_code, cast(round(median(n_communes)) as integer) as n_median
    from grid where source_name <> 'cog_communes' group by all
)
select g.source_name, g.departement_code, g.n_communes, cog.n_cog, others.n_median,
       case when g.source_name = 'cog_communes'
            then 'Fichier des communes du COG (cog_communes) incomplet : ' || g.n_communes || ' commune(s) du département '
                 || g.departement_code || ' contre ' || others.n_median || ' dans les autres fichiers du référentiel'
            else 'Fichier ' || g.source_name || ' incomplet : ' || g.n_communes || ' commune(s) du département '
                 || g.departement_code || ' contre ' || cog.n_cog || ' dans le COG'
       end || ' : fichier probablement tronqué ou extrait partiel (ou colonnes des codes inversées dans son '
           || 'en-tête). Vérifiez le fichier (taille, dernière ligne, en-tête) et téléchargez-le à nouveau ; la '
           || 'publication en cours reste en service.' as message
from grid as g
left join cog using (departement_code)
left join others using (departement_code)
where (g.source_name <> 'cog_communes' and g.n_communes < 0.5 * cog.n_cog)
   or (g.source_name = 'cog_communes' and g.n_communes < 0.5 * others.n_median)
