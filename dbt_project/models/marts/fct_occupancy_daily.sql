-- Daily occupancy per site from the occupancy counts (stg_occupancy_counts: AVAILABLE seats per
-- observation). Capacity of a site: the capacity declared in seed ref_occupancy_capacity when the site
-- is there (capacity_method 'declaree'), else the maximum number of available seats observed over the
-- whole series (capacity_method 'maximum_observe': a lower bound of the real capacity, reached when the
-- site was empty; occupancy rates are then upper bounds). Occupied seats = capacity - available seats
-- (never below 0). The day is the calendar date of the timestamp as published (UTC for the La
-- Permanence series); every observation of the day counts, opening hours or not.
with obs as (
    select * from {{ ref('stg_occupancy_counts') }}
    where observed_at is not null and available_seats is not null
),
capacity as (
    select o.site,
           coalesce(c.capacity_seats, max(o.available_seats))                                 as capacity_seats,
           case when c.capacity_seats is not null then 'declaree' else 'maximum_observe' end  as capacity_method
    from obs o left join {{ ref('ref_occupancy_capacity') }} c on c.site = o.site
    group by o.site, c.capacity_seats
),
daily as (
    select site, observed_date,
           count(*)                          as n_observations,
           min(observed_at)                  as first_observation_at,
           max(observed_at)                  as last_observation_at,
           min(available_seats)              as min_available_seats,
           avg(available_seats)              as mean_available_seats,
           max(available_seats)              as max_available_seats,
           string_agg(distinct _file, ', ')  as source_files
    from obs
    group by site, observed_date
)
select
    d.site,
    d.observed_date                                                           as day,
    isodow(d.observed_date)                                                   as iso_day_of_week,
    d.n_observations,
    d.first_observation_at,
    d.last_observation_at,
    d.min_available_seats,
    d.mean_available_seats,
    d.max_available_seats,
    c.capacity_seats,
    c.capacity_method,
    greatest(0, c.capacity_seats - d.mean_available_seats)                    as mean_occupied_seats,
    greatest(0, c.capacity_seats - d.min_available_seats)                     as peak_occupied_seats,
    {{ ratio('greatest(0, c.capacity_seats - d.mean_available_seats)', 'c.capacity_seats') }} as mean_occupancy_rate,
    {{ ratio('greatest(0, c.capacity_seats - d.min_available_seats)', 'c.capacity_seats') }}  as peak_occupancy_rate,
    d.source_files
from daily d
join capacity c using (site)
