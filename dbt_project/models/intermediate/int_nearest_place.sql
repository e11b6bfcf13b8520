-- For each commune centre and each kind of place (int_access_targets), the nearest place of that kind
-- by straight-line (haversine) distance, rounded to the metre: a proxy for travel time, never a
-- travel time. Exact nearest neighbour with a grid-pruned search (macro nearest_neighbour_ctes), so
-- that it scales to the ~35,000 communes of France (bench/bench_distances.py).
--
-- Incremental by kind. The search is the most expensive model of a refresh (about 4 s at national
-- scale), and most refreshes (a new survey wave, new grants) change no facility's position. Each kind
-- carries a fingerprint of everything its distances depend on: the commune centres, the kind's
-- facilities and their coordinates, and the SQL of this model with its macros. A refresh recomputes
-- only the kinds whose fingerprint changed (delete+insert on `kind`); the post-hook removes the kinds
-- that have no facility any more. A first build, or a build after any change of the commune
-- referential, recomputes every kind. `dbt build --full-refresh` recomputes everything.
{{ config(materialized='incremental', unique_key='kind', incremental_strategy='delete+insert',
          on_schema_change='sync_all_columns',
          post_hook="delete from {{ this }} where kind not in (select kind from {{ ref('int_access_targets') }})") }}
{#- An earlier table without fingerprints (older version of this model) is recomputed whole. -#}
{%- set filtered = is_incremental()
        and 'targets_fingerprint' in adapter.get_columns_in_relation(this) | map(attribute='name') | list -%}
{%- set search -%}
{{ nearest_neighbour_ctes('origins', 'targets', 'nearest') }}
{%- endset %}
with origins as (
    select commune_code as origin_id, latitude, longitude
    from {{ ref('dim_commune') }} where latitude is not null and longitude is not null
),
origins_fingerprint as (
    select md5(coalesce(string_agg(origin_id || ':' || latitude || ':' || longitude, ',' order by origin_id), ''))
           as fp
    from origins
),
-- materialized: inlined into the final join, DuckDB would run the whole search about 10 times slower.
fingerprints as materialized (
    select kind,
           md5('{{ local_md5(search ~ model.raw_code) }}' || (select fp from origins_fingerprint)
               || string_agg(target_id || ':' || latitude || ':' || longitude, ',' order by target_id, latitude, longitude))
           as targets_fingerprint
    from {{ ref('int_access_targets') }}
    group by kind
),
targets as (
    select t.kind, t.target_id, t.latitude, t.longitude
    from {{ ref('int_access_targets') }} t
    {%- if filtered %}
    where t.kind in (
        select f.kind from fingerprints f
        where not exists (select 1 from {{ this }} x
                          where x.kind = f.kind and x.targets_fingerprint = f.targets_fingerprint))
    {%- endif %}
),
{{ search }}
select n.origin_id as commune_code, n.kind, n.target_id as nearest_id, n.distance_km as nearest_km,
       f.targets_fingerprint
from nearest n join fingerprints f using (kind)
