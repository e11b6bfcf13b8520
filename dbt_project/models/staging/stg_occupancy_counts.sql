{#- One row per site and observation of the occupancy series (raw.occupancy_counts is wide: one column
    per site, values = AVAILABLE seats). Empty when the source is not configured. -#}
{%- set rel = optional_raw_relation('occupancy_counts') %}
-- depends on {{ source('raw', 'occupancy_counts') }}
{%- if rel is none %}
select cast(null as varchar) as site, cast(null as timestamp) as observed_at, cast(null as date) as observed_date,
       cast(null as integer) as available_seats, cast(null as varchar) as _file, cast(null as bigint) as _row
limit 0
{%- else %}
with long as (
    unpivot {{ rel }}
    on columns(* exclude (timestamp, _source, _file, _sha256, _row, _line))
    into name site value available
),
parsed as (
    select site,
           coalesce(try_strptime(trim(timestamp), '%Y-%m-%d-%H-%M-%S'), try_strptime(trim(timestamp), '%Y-%m-%d %H:%M:%S'),
                    try_strptime(trim(timestamp), '%Y-%m-%dT%H:%M:%S'), try_strptime(trim(timestamp), '%Y-%m-%d %H:%M'),
                    try_strptime(trim(timestamp), '%Y-%m-%dT%H:%M'), try_strptime(trim(timestamp), '%d/%m/%Y %H:%M:%S'),
                    try_strptime(trim(timestamp), '%d/%m/%Y %H:%M')) as observed_at,
           try_cast(trim(available) as integer) as available_seats,
           _file, _row
    from long
    where nullif(trim(available), '') is not null
)
select site, observed_at, cast(observed_at as date) as observed_date, available_seats, _file, _row
from parsed
{%- endif %}
