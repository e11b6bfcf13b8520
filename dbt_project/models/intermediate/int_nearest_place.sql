-- For each commune centre and each kind of place (int_access_targets), the nearest place of that kind
-- on the commune's land mass (dim_commune.land_mass: an overseas commune is served by facilities of its
-- own territory, never across the ocean) by straight-line (haversine) distance, rounded to the metre:
-- a proxy for travel time, never a travel time. Exact nearest neighbour with a grid-pruned search
-- (macro nearest_neighbour_ctes), so that it scales to the ~35,000 communes of France
-- (bench/bench_distances.py). A plain table, searched again at every build (about 2 s at national scale).
with origins as (
    select commune_code as origin_id, latitude, longitude, land_mass
    from {{ ref('dim_commune') }} where latitude is not null and longitude is not null
),
targets as (select kind, target_id, latitude, longitude, land_mass from {{ ref('int_access_targets') }}),
{{ nearest_neighbour_ctes('origins', 'targets', 'nearest', group='land_mass') }}
select origin_id as commune_code, kind, target_id as nearest_id, distance_km as nearest_km
from nearest
