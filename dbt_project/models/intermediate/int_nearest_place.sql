-- For each commune centre and each kind of place (int_access_targets), the nearest place of that kind
-- on the commune's land mass (dim_commune.land_mass: an overseas commune is served by facilities of its
-- own territory, never across the ocean) by straight-line (haversine) distance, rounded to the metre: a proxy for travel time, never a
-- travel time. Exact nearest neighbour with a grid-pruned search (macro nearest_neighbour_ctes), so
-- that it scales to the ~35,000 communes of France (bench/bench_distances.py).
--
-- Incremental. The search is the most expensive model of a refresh (about 4 s at national scale),
-- and most refreshes (a new survey wave, new grants) move few facilities or none. Each kind carries
-- two fingerprints: origins_fingerprint (the commune centres and the SQL of this model with its
-- macros) and targets_fingerprint (that one and the kind's facilities with their coordinates). A
-- refresh handles each kind of int_access_targets as follows:
--   - same targets_fingerprint: kept as is (not in this model's result);
--   - same origins_fingerprint, other facilities: updated from the facilities that left or moved
--     and those that arrived or moved, by comparison with the facilities of the last build (kept by
--     the post-hook in int_nearest_place_targets, a state table of this model). A commune whose
--     nearest facility left or moved is searched again among all the kind's facilities; for every
--     other commune the nearest stays the one it had unless an arrived facility is closer (or as
--     close with a smaller id). The result is the one of a full search: the nearest among the
--     facilities that stayed is the one it had;
--   - otherwise (a new kind, another commune referential, another version of this model, no state
--     table): searched for every commune.
-- The result replaces the kind's rows (delete+insert on `kind`); the post-hook removes the kinds
-- without facility. `dbt build --full-refresh` searches everything again.
{{ config(materialized='incremental', unique_key='kind', incremental_strategy='delete+insert',
          on_schema_change='sync_all_columns',
          post_hook=["delete from {{ this }} where kind not in (select kind from {{ ref('int_access_targets') }})",
                     "create or replace table {{ this.database }}.{{ this.schema }}.int_nearest_place_targets as "
                     ~ "select kind, target_id, latitude, longitude, land_mass from {{ ref('int_access_targets') }}",
                     "comment on table {{ this.database }}.{{ this.schema }}.int_nearest_place_targets is "
                     ~ "'State of int_nearest_place: the facilities of its last build (see that model)'"]) }}
{%- set columns = adapter.get_columns_in_relation(this) | map(attribute='name') | list if is_incremental() else [] %}
{#- An earlier table without fingerprints (older versions of this model) is recomputed whole. -#}
{%- set filtered = 'targets_fingerprint' in columns and 'origins_fingerprint' in columns %}
{%- set state = adapter.get_relation(this.database, this.schema, 'int_nearest_place_targets') if filtered else none %}
{#- A state table of a version without land masses cannot be compared: full search. -#}
{%- if state is not none and 'land_mass' not in (adapter.get_columns_in_relation(state) | map(attribute='name') | list) %}
{%- set state = none %}
{%- endif %}
{%- set delta = state is not none %}
{%- set search -%}
{{ nearest_neighbour_ctes('origins', 'searched', 'searched_nearest', group='land_mass') }},
{{ nearest_neighbour_ctes(none, 'delta_targets', 'lost_nearest', pairs='lost_pairs', prefix='nl', group='land_mass') }}
{%- endset %}
with origins as (
    select commune_code as origin_id, latitude, longitude, land_mass
    from {{ ref('dim_commune') }} where latitude is not null and longitude is not null
),
origins_fingerprint as (
    select md5('{{ local_md5(search ~ model.raw_code) }}'
               || coalesce(string_agg(origin_id || ':' || latitude || ':' || longitude || ':' || land_mass, ',' order by origin_id), ''))
           as fp
    from origins
),
-- materialized: inlined into the final join, DuckDB would run the whole search about 10 times slower.
fingerprints as materialized (
    select kind, (select fp from origins_fingerprint) as origins_fingerprint,
           md5((select fp from origins_fingerprint)
               || string_agg(target_id || ':' || latitude || ':' || longitude || ':' || coalesce(land_mass, ''), ',' order by target_id, latitude, longitude))
           as targets_fingerprint
    from {{ ref('int_access_targets') }}
    group by kind
),
kinds as materialized (
    select f.*,
           {%- if filtered %}
           case when p.targets_fingerprint = f.targets_fingerprint then 'unchanged'
                when {{ 'p.origins_fingerprint = f.origins_fingerprint' if delta else 'false' }} then 'delta'
                else 'search' end as status
    from fingerprints f
    left join (select kind, any_value(targets_fingerprint) as targets_fingerprint,
                      any_value(origins_fingerprint) as origins_fingerprint
               from {{ this }} group by kind) p using (kind)
           {%- else %}
           'search' as status
    from fingerprints f
           {%- endif %}
),
searched as (
    select t.kind, t.target_id, t.latitude, t.longitude, t.land_mass
    from {{ ref('int_access_targets') }} t semi join kinds k on k.kind = t.kind and k.status = 'search'
),
delta_targets as (
    select t.kind, t.target_id, t.latitude, t.longitude, t.land_mass
    from {{ ref('int_access_targets') }} t semi join kinds k on k.kind = t.kind and k.status = 'delta'
),
{%- if delta %}
previous_targets as (
    select s.kind, s.target_id, s.latitude, s.longitude, s.land_mass
    from {{ state }} s semi join kinds k on k.kind = s.kind and k.status = 'delta'
),
left_targets as (select * from previous_targets except select * from delta_targets),     -- left or moved
arrived_targets as (select * from delta_targets except select * from previous_targets),  -- arrived or moved
previous as materialized (
    select x.commune_code as origin_id, x.kind, x.nearest_id, x.nearest_km
    from {{ this }} x semi join kinds k on k.kind = x.kind and k.status = 'delta'
),
lost_pairs as materialized (
    select o.origin_id, o.latitude, o.longitude, p.kind, o.land_mass
    from previous p
    join origins o using (origin_id)
    semi join left_targets l on l.kind = p.kind and l.target_id = p.nearest_id
),
kept as (select p.* from previous p anti join lost_pairs l using (origin_id, kind)),   -- every other commune
-- The nearest arrived facility of every other commune, among those that can beat its nearest: a
-- facility further in latitude alone than that distance cannot (1 degree of latitude is 111.195 km
-- on the sphere of the haversine).
{%- set d = haversine_km('o.latitude', 'o.longitude', 'a.latitude', 'a.longitude') %}
arrived_nearest as (
    select p.origin_id, p.kind,
           arg_min(a.target_id, (round({{ d }}, 3), a.target_id)) as target_id,
           min(round({{ d }}, 3))                                 as distance_km
    from kept p
    join origins o using (origin_id)
    join arrived_targets a on a.kind = p.kind and a.land_mass = o.land_mass and abs(o.latitude - a.latitude) * 111.19 <= p.nearest_km + 0.001
    group by p.origin_id, p.kind
),
kept_nearest as (
    select p.origin_id, p.kind,
           case when a.distance_km < p.nearest_km or (a.distance_km = p.nearest_km and a.target_id < p.nearest_id)
                then a.target_id else p.nearest_id end as target_id,
           case when a.distance_km < p.nearest_km then a.distance_km else p.nearest_km end as distance_km
    from kept p
    left join arrived_nearest a using (origin_id, kind)
),
{%- else %}
lost_pairs as (
    select null::varchar as origin_id, null::double as latitude, null::double as longitude,
           null::varchar as kind, null::varchar as land_mass where false
),
kept_nearest as (
    select null::varchar as origin_id, null::varchar as kind, null::varchar as target_id,
           null::double as distance_km where false
),
{%- endif %}
{{ search }},
nearest as (
    select origin_id, kind, target_id, distance_km from searched_nearest
    union all
    select origin_id, kind, target_id, distance_km from lost_nearest
    union all
    select origin_id, kind, target_id, distance_km from kept_nearest
)
select n.origin_id as commune_code, n.kind, n.target_id as nearest_id, n.distance_km as nearest_km,
       k.targets_fingerprint, k.origins_fingerprint
from nearest n join kinds k using (kind)
