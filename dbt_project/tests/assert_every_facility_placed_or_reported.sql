-- Every facility record loaded is either counted in a row of dim_place (through dim_place_source) or
-- listed in quality_unplaced_places: none disappears. And dim_place's rows hold exactly the placed records.
with loaded as (select count(*) as n from {{ ref('int_places') }}),
placed as (select count(*) as n from {{ ref('dim_place_source') }} where place_id is not null),
unplaced as (select count(*) as n from {{ ref('quality_unplaced_places') }}),
in_places as (select coalesce(sum(n_source_records), 0) as n from {{ ref('dim_place') }} where source_name <> 'enquete_locale')
select * from loaded, placed, unplaced, in_places
where loaded.n <> placed.n + unplaced.n or placed.n <> in_places.n
