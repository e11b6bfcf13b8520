-- One row per site with occupancy counts (fct_occupancy_daily): the days counted, the period, the
-- capacity used and the mean and peak occupancy over the days (the Fréquentation page's table).
select
    site,
    count(*)                                                            as n_days,
    min(day)                                                            as first_day,
    max(day)                                                            as last_day,
    max(capacity_seats)                                                 as capacity_seats,
    case when bool_or(capacity_method = 'declaree') then 'declaree' else 'maximum_observe' end as capacity_method,
    avg(mean_occupancy_rate)                                            as mean_occupancy_rate,
    max(peak_occupancy_rate)                                            as peak_occupancy_rate
from {{ ref('fct_occupancy_daily') }}
group by site
