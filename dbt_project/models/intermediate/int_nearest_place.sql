-- For each commune centre and each kind of place, the nearest place of that kind by straight-line
-- (haversine) distance, rounded to the metre: a proxy for travel time, never a travel time. Kinds:
-- tiers_lieu (every tiers-lieu), each category with in_access = true in seed ref_place_categories
-- (france_services included) and each programme whose labels are loaded (dim_programme_label).
-- Exact nearest neighbour with a grid-pruned search (macro nearest_neighbour_ctes), so that it scales
-- to the ~35,000 communes of France (bench/bench_distances.py).
with origins as (
    select commune_code as origin_id, latitude, longitude
    from {{ ref('dim_commune') }} where latitude is not null and longitude is not null
),
places as (
    select place_id, place_family, place_category, latitude, longitude
    from {{ ref('dim_place') }} where latitude is not null and longitude is not null
),
targets as (
    select 'tiers_lieu' as kind, place_id as target_id, latitude, longitude from places where place_family = 'tiers_lieu'
    union all
    select p.place_category, p.place_id, p.latitude, p.longitude
    from places p join {{ ref('ref_place_categories') }} k on k.category_code = p.place_category and k.in_access
    union all
    select 'label_' || programme_code, label_id, latitude, longitude
    from {{ ref('dim_programme_label') }}
    where programme_code is not null and programme_code <> 'france_services'
      and latitude is not null and longitude is not null
),
{{ nearest_neighbour_ctes('origins', 'targets', 'nearest') }}
select origin_id as commune_code, kind, target_id as nearest_id, distance_km as nearest_km from nearest
