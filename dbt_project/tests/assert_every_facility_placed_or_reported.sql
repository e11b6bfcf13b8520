-- Every facility record loaded is either placed (dim_place_source, in exactly one real place of
-- dim_real_place) or listed in quality_unplaced_places: none disappears. dim_place's rows hold exactly the
-- records the bridge says they hold.
{{ config(meta={'label': "chaque lieu chargé est placé dans une commune ou signalé (quality_unplaced_places)"}) }}
with loaded as (select count(*) as n from {{ ref('int_places') }}),
placed as (select count(*) as n from {{ ref('dim_place_source') }} where placement_method is not null),
unplaced as (select count(*) as n from {{ ref('quality_unplaced_places') }}),
in_real as (select sum(n_source_records) as n from {{ ref('dim_real_place') }}),
in_places_bridge as (select count(*) as n from {{ ref('dim_place_source') }} where place_id is not null),
in_places as (select coalesce(sum(n_source_records), 0) as n from {{ ref('dim_place') }} where source_name <> 'surveys')
select * from loaded, placed, unplaced, in_real, in_places_bridge, in_places
where loaded.n <> placed.n + unplaced.n or placed.n <> in_real.n or in_places_bridge.n <> in_places.n
