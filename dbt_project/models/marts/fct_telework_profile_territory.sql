-- Residents in work per territory (every level), occupation, transport mode and commute distance band, from the
-- census detail file: workers (sum of the weights) and teleworkable workers (x the occupation's teleworkable
-- share, seed ref_telework_occupations). Distance bands on the straight line between commune centres.
-- Summed per commune, then per territory on the codes alone; the labels are joined to the totals.
with per_commune as (
    select residence_commune_code as commune_code, occupation_code, mode_code, distance_band,
           sum(workers) as workers, sum(teleworkable_workers) as teleworkable_workers
    from {{ ref('int_telework_flows') }}
    where residence_in_referential
    group by all
),
per_territory as (
    select
        b.territory_level, b.territory_code, p.occupation_code, p.mode_code, p.distance_band,
        sum(p.workers) as workers, sum(p.teleworkable_workers) as teleworkable_workers
    from per_commune p
    join {{ ref('int_commune_territory') }} b using (commune_code)
    group by all
)
select
    t.territory_level,
    t.territory_code,
    t.occupation_code,
    o.occupation_label,
    t.mode_code,
    m.mode_label,
    t.distance_band,
    t.workers,
    t.teleworkable_workers
from per_territory t
left join {{ ref('ref_telework_occupations') }} o using (occupation_code)
left join {{ ref('ref_transport_modes') }} m using (mode_code)
