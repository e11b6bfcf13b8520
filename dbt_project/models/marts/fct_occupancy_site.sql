-- One row per site with occupancy counts (fct_occupancy_daily): the days counted, the period, the
-- capacity used and the mean and peak occupancy over the days (the Fréquentation page's table), and the
-- commune the observatory declared for the site (seed ref_occupancy_capacity; kept only when the commune
-- is in the referential), so that the page shows a territory's sites only.
with sites as (
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
),
declared as (
    select site, lpad(cast(commune_code as varchar), 5, '0') as commune_code
    from {{ ref('ref_occupancy_capacity') }}
    where commune_code is not null
)
select
    s.*,
    c.commune_code,
    c.commune_name,
    case when c.commune_code is not null then 'declaree'
         when d.commune_code is not null then 'commune_inconnue'
         else 'non_declaree' end                                            as commune_status
from sites s
left join declared d on d.site = s.site
left join {{ ref('dim_commune') }} c on c.commune_code = d.commune_code
