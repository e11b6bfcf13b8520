-- Places each facility in a commune of the referential, keeping the method per row:
--   1. code_insee: its published code is a commune of the referential;
--   2. code_insee_commune_parente: its published code is a commune déléguée, associée or a municipal
--      arrondissement of the COG (Paris, Lyon, Marseille; communes merged into a commune nouvelle):
--      placed in the parent commune the COG gives;
--   3. coordonnees_commune_la_plus_proche: else the commune whose centre is nearest to its
--      coordinates, within var placement_max_km (further than that, the facility is reported, not
--      placed: the referential has no commune there, e.g. a collectivité d'outre-mer).
{%- set max_km = var('placement_max_km') %}
with communes as (
    select commune_code as target_id, 'commune' as kind, latitude, longitude
    from {{ ref('dim_commune') }} where latitude is not null and longitude is not null
),
places as (select * from {{ ref('int_places') }}),
by_code as (
    select p.place_id, p.published_commune_code as commune_code
    from places p join {{ ref('dim_commune') }} c on c.commune_code = p.published_commune_code
),
parents as (select * from {{ ref('int_cog_parents') }}),
by_parent as (
    select p.place_id, par.parent_commune_code as commune_code
    from places p
    join parents par on par.old_code = p.published_commune_code
    join {{ ref('dim_commune') }} c on c.commune_code = par.parent_commune_code
    where p.place_id not in (select place_id from by_code)
),
to_locate as (
    select place_id as origin_id, latitude, longitude from places
    where place_id not in (select place_id from by_code union all select place_id from by_parent)
      and latitude is not null and longitude is not null
),
{{ nearest_neighbour_ctes('to_locate', 'communes', 'nearest_all') }},
nearest as (select origin_id as place_id, target_id as commune_code, distance_km from nearest_all)
select
    p.*,
    coalesce(b.commune_code, bp.commune_code,
             case when n.distance_km <= {{ max_km }} then n.commune_code end) as commune_code,
    case when b.commune_code is not null then 'code_insee'
         when bp.commune_code is not null then 'code_insee_commune_parente'
         when n.distance_km <= {{ max_km }} then 'coordonnees_commune_la_plus_proche'
         end as placement_method,
    case when b.commune_code is null and bp.commune_code is null then n.distance_km end as placement_distance_km,
    case when b.commune_code is null and bp.commune_code is null and (n.distance_km is null or n.distance_km > {{ max_km }}) then
        case when n.distance_km > {{ max_km }} then
                 'aucune commune du référentiel à moins de {{ max_km }} km des coordonnées (la plus proche, '
                 || n.commune_code || ', est à ' || round(n.distance_km, 1) || ' km)'
                 || case when p.published_commune_code is not null
                         then ' ; code commune publié « ' || p.published_commune_code || ' » inconnu du référentiel'
                         else '' end
             when p.latitude is not null and p.longitude is not null then
                 'aucune commune du référentiel n''a de coordonnées pour placer le lieu par ses coordonnées'
             when p.published_commune_code is not null then 'code commune inconnu du référentiel et pas de coordonnées'
             else 'ni code commune ni coordonnées' end
         end as unplaced_reason
from places p
left join by_code b using (place_id)
left join by_parent bp using (place_id)
left join nearest n using (place_id)
