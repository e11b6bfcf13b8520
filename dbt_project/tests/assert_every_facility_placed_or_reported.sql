-- Every facility loaded is either in dim_place or in quality_unplaced_places: none disappears.
with loaded as (select count(*) as n from {{ ref('int_places') }}),
placed as (select count(*) as n from {{ ref('dim_place') }} where source_name <> 'enquete_locale'),  -- survey-only places: not loaded facilities
unplaced as (select count(*) as n from {{ ref('quality_unplaced_places') }})
select * from loaded, placed, unplaced where loaded.n <> placed.n + unplaced.n
