-- The facilities that access distances are measured to, one row per (kind, facility) with coordinates.
-- Kinds: tiers_lieu (every tiers-lieu), each category with in_access = true in seed
-- ref_place_categories (france_services included) and each programme whose labels are loaded
-- (dim_programme_label), as 'label_<programme_code>'.
with places as (
    select place_id, place_family, place_category, latitude, longitude
    from {{ ref('dim_place') }} where latitude is not null and longitude is not null
)
select 'tiers_lieu' as kind, place_id as target_id, latitude, longitude from places where place_family = 'tiers_lieu'
union all
select p.place_category, p.place_id, p.latitude, p.longitude
from places p join {{ ref('ref_place_categories') }} k on k.category_code = p.place_category and k.in_access
union all
select 'label_' || programme_code, label_id, latitude, longitude
from {{ ref('dim_programme_label') }}
where programme_code is not null and programme_code <> 'france_services'
  and latitude is not null and longitude is not null
