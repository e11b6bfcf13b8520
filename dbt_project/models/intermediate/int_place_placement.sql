-- Places each facility record in a commune of the referential by the best evidence available, the method
-- kept per row:
--   1. code_insee: its published code is a commune of the COG vintage;
--   2. code_insee_commune_parente: its code is a commune déléguée / associée or a municipal arrondissement
--      (COG COMPARENT, Etalab chefLieu / commune): placed in that parent commune;
--   3. code_insee_fusionne: its code was merged into a commune nouvelle (Etalab anciensCodes);
--   4. code_postal: no usable code, but its postcode belongs to exactly one commune (Etalab codesPostaux);
--   5. code_postal_nom_commune: its postcode is shared by several communes, and the commune name it publishes
--      (published_commune_name: the lists of places) is the name of exactly one of them (accents, case,
--      hyphens and apostrophes ignored);
--   5b. code_postal_cedex_nom_commune: its postcode is no commune's (a CEDEX code, given to a large mail
--      recipient: « 34935 » Montpellier, « 82003 » Montauban), and the commune name it publishes (a trailing
--      « CEDEX » and its number ignored) is the name of exactly one commune whose postcodes start like it
--      (the first two digits, three overseas: the postal département);
--   6. coordonnees_commune_la_plus_proche: else the commune whose centre is nearest to its coordinates,
--      within var placement_max_km (further than that, the record is reported, not placed). Commune
--      contours are not used here (no spatial extension): the demo's places lie nearest their commune's centre.
-- Records that none of these place are listed in quality_unplaced_places with the reason (French).
{%- set max_km = var('placement_max_km') %}
with communes as (
    select commune_code as target_id, 'commune' as kind, latitude, longitude
    from {{ ref('dim_commune') }} where latitude is not null and longitude is not null
),
places as (select * from {{ ref('int_places') }}),
by_code as (
    select p.place_id, h.commune_code,
           case h.method when 'actuelle' then 'code_insee'
                         when 'ancien_code_fusionne' then 'code_insee_fusionne'
                         else 'code_insee_commune_parente' end as method
    from places p join {{ ref('dim_commune_code_history') }} h on h.old_code = p.published_commune_code
),
postcodes as (
    select pc as postcode, min(commune_code) as commune_code
    from {{ ref('dim_commune') }}, unnest(postcodes) t(pc)
    group by pc having count(distinct commune_code) = 1
),
by_postcode as (
    select p.place_id, pc.commune_code
    from places p join postcodes pc on pc.postcode = p.postcode
    where p.place_id not in (select place_id from by_code)
),
by_postcode_name as (
    select p.place_id, min(c.commune_code) as commune_code
    from places p
    join {{ ref('dim_commune') }} c
      on list_contains(c.postcodes, p.postcode)
     and {{ normalize_name('c.commune_name') }} = {{ normalize_name('p.published_commune_name') }}
    where p.published_commune_name is not null and p.postcode is not null
      and p.place_id not in (select place_id from by_code union all select place_id from by_postcode)
    group by p.place_id having count(distinct c.commune_code) = 1
),
postal_departements as (
    select distinct commune_code, commune_name,
           left(pc, case when pc like '97%' then 3 else 2 end) as postal_departement
    from {{ ref('dim_commune') }}, unnest(postcodes) t(pc)
),
by_cedex_name as (
    select p.place_id, min(c.commune_code) as commune_code
    from places p
    join postal_departements c
      on c.postal_departement = left(p.postcode, case when p.postcode like '97%' then 3 else 2 end)
     and {{ normalize_name('c.commune_name') }}
         = trim(regexp_replace({{ normalize_name('p.published_commune_name') }}, '( CEDEX( [0-9]+)?)$', ''))
    where p.published_commune_name is not null and p.postcode is not null
      and p.postcode not in (select pc from {{ ref('dim_commune') }}, unnest(postcodes) t(pc))
      and p.place_id not in (select place_id from by_code union all select place_id from by_postcode
                             union all select place_id from by_postcode_name)
    group by p.place_id having count(distinct c.commune_code) = 1
),
to_locate as (
    select place_id as origin_id, latitude, longitude from places
    where place_id not in (select place_id from by_code union all select place_id from by_postcode
                           union all select place_id from by_postcode_name union all select place_id from by_cedex_name)
      and latitude is not null and longitude is not null
),
{{ nearest_neighbour_ctes('to_locate', 'communes', 'nearest_all') }},
nearest as (select origin_id as place_id, target_id as commune_code, distance_km from nearest_all)
select
    p.* exclude (source_priority),
    coalesce(b.commune_code, bp.commune_code, bn.commune_code, bc.commune_code,
             case when n.distance_km <= {{ max_km }} then n.commune_code end) as commune_code,
    case when b.commune_code is not null then b.method
         when bp.commune_code is not null then 'code_postal'
         when bn.commune_code is not null then 'code_postal_nom_commune'
         when bc.commune_code is not null then 'code_postal_cedex_nom_commune'
         when n.distance_km <= {{ max_km }} then 'coordonnees_commune_la_plus_proche'
         end as placement_method,
    case when coalesce(b.commune_code, bp.commune_code, bn.commune_code, bc.commune_code) is null then n.distance_km end as placement_distance_km,
    case when coalesce(b.commune_code, bp.commune_code, bn.commune_code, bc.commune_code) is null
              and (n.distance_km is null or n.distance_km > {{ max_km }}) then
        case when n.distance_km > {{ max_km }} then
                 'aucune commune du référentiel à moins de {{ max_km }} km des coordonnées (la plus proche, '
                 || n.commune_code || ', est à ' || round(n.distance_km, 1) || ' km)'
                 || case when p.published_commune_code is not null
                         then ' ; code commune publié « ' || p.published_commune_code || ' » inconnu du référentiel'
                         else '' end
             when p.latitude is not null and p.longitude is not null then
                 'aucune commune du référentiel n''a de coordonnées pour placer le lieu par ses coordonnées'
                 || case when p.published_commune_code is not null
                         then ' ; code commune publié « ' || p.published_commune_code || ' » inconnu du référentiel'
                         else '' end
             when p.published_commune_code is not null then
                 'code commune publié « ' || p.published_commune_code || ' » inconnu du référentiel (ni commune, ni '
                 || 'commune déléguée, ni ancien code fusionné)'
                 || case when p.postcode is not null then ', code postal « ' || p.postcode || ' » partagé par plusieurs communes ou inconnu' else '' end
                 || ' et pas de coordonnées'
             when p.postcode is not null then
                 'pas de code commune ; code postal « ' || p.postcode || ' » partagé par plusieurs communes ou inconnu'
                 || case when p.published_commune_name is not null
                         then ' ; commune « ' || p.published_commune_name || ' » absente des communes de ce code postal'
                         else '' end
                 || ' ; pas de coordonnées'
             when p.published_commune_name is not null then
                 'pas de code commune ni de code postal ; commune « ' || p.published_commune_name
                 || ' » non utilisée seule (homonymes possibles) ; pas de coordonnées'
             else 'ni code commune, ni code postal, ni coordonnées' end
         end as unplaced_reason,
    p.source_priority
from places p
left join by_code b using (place_id)
left join by_postcode bp using (place_id)
left join by_postcode_name bn using (place_id)
left join by_cedex_name bc using (place_id)
left join nearest n using (place_id)
