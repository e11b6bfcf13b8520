-- The facilities that access distances are measured to, one row per (kind, facility) with coordinates.
-- Kinds: tiers_lieu (every tiers-lieu), each category with in_access = true in seed
-- ref_place_categories (france_services included) and each programme whose labels are loaded
-- (dim_programme_label), as 'label_<programme_code>', except the programmes that label communes rather than
-- places (ref_programmes.label_source 'communes': Petites villes de demain). land_mass is the one of the facility's commune
-- (dim_commune): a commune is only served by facilities of its own land mass; a facility placed in no
-- commune is not a target.
with communes as (select commune_code, land_mass from {{ ref('dim_commune') }}),
places as (
    select p.place_id, p.place_family, p.place_category, p.latitude, p.longitude, c.land_mass
    from {{ ref('dim_place') }} p join communes c using (commune_code)
    where p.latitude is not null and p.longitude is not null
)
select 'tiers_lieu' as kind, place_id as target_id, latitude, longitude, land_mass
from places where place_family = 'tiers_lieu'
union all
select p.place_category, p.place_id, p.latitude, p.longitude, p.land_mass
from places p join {{ ref('ref_place_categories') }} k on k.category_code = p.place_category and k.in_access
union all
select 'label_' || l.programme_code, l.label_id, l.latitude, l.longitude, c.land_mass
from {{ ref('dim_programme_label') }} l join communes c using (commune_code)
where l.programme_code is not null and l.programme_code <> 'france_services'
  and l.programme_code not in (select programme_code from {{ ref('ref_programmes') }} where label_source = 'communes')
  and l.latitude is not null and l.longitude is not null
