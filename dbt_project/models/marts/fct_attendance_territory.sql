-- Attendance per survey wave, territory (every level) and place category ('tous' = every category):
-- declared visitors per week, members and desks (sums over the answers, places only known from the
-- survey included), per 1,000 inhabitants; the occupancy proxy (weekly visits per desk, over the
-- answers giving both); the response rate (known tiers-lieux that answered, among those known in
-- dim_place, both counted with dim_place's commune and category);
-- the trend against the previous wave, as totals and on the panel of places that answered both.
{%- set measures = ['visitors_per_week', 'members', 'desks'] %}
with b as (select * from {{ ref('int_commune_territory') }}),
waves as (
    select wave_year, lag(wave_year) over (order by wave_year) as previous_wave_year
    from (select distinct wave_year from {{ ref('fct_attendance_place') }})
),
answers as (
    select a.*, x.place_category as category from {{ ref('fct_attendance_place') }} a,
           (select unnest([a.place_category, 'tous']) as place_category) x
),
known as (
    select b.territory_level, b.territory_code, x.place_category as category, count(*) as n_known_places
    from {{ ref('dim_place') }} p join b using (commune_code),
         (select unnest([p.place_category, 'tous']) as place_category) x
    where p.place_family = 'tiers_lieu'
    group by all
),
-- Respondents among the known tiers-lieux, counted where and as what dim_place knows them (the
-- numerator of response_rate: a place that declares another type in a later wave, or an answer
-- giving another commune, must not push a rate above 1).
known_respondents as (
    select a.wave_year, b.territory_level, b.territory_code, x.place_category as category,
           count(distinct a.place_id) as n_known_respondents
    from {{ ref('fct_attendance_place') }} a
    join {{ ref('dim_place') }} p on p.place_id = a.place_id and p.place_family = 'tiers_lieu'
    join b on b.commune_code = p.commune_code,
         (select unnest([p.place_category, 'tous']) as place_category) x
    group by all
),
agg as (
    select a.wave_year, b.territory_level, b.territory_code, a.category,
           count(distinct a.place_id)                                      as n_respondents,
           count(distinct a.place_key) filter (where a.place_id is null)   as n_local_respondents,
           {%- for m in measures %}
           sum(a.{{ m }})                                                  as {{ m }},
           {%- endfor %}
           sum(a.visitors_per_week) filter (where a.desks > 0)             as visitors_with_desks,
           sum(a.desks) filter (where a.desks > 0 and a.visitors_per_week is not null) as desks_with_visitors
    from answers a join b using (commune_code)
    group by all
),
panel as (
    select cur.wave_year, b.territory_level, b.territory_code, cur.category,
           count(*)                                  as panel_n_places,
           {%- for m in measures %}
           sum(cur.{{ m }})                          as panel_{{ m }},
           sum(prev.{{ m }})                         as panel_previous_{{ m }}{% if not loop.last %},{% endif %}
           {%- endfor %}
    from answers cur
    join waves w on w.wave_year = cur.wave_year
    join answers prev on prev.place_key = cur.place_key and prev.category = cur.category
                     and prev.wave_year = w.previous_wave_year
    join b on b.commune_code = cur.commune_code
    group by all
),
grid as (
    select w.wave_year, w.previous_wave_year, k.territory_level, k.territory_code, k.category
    from waves w cross join known k
    union
    select w.wave_year, w.previous_wave_year, t.territory_level, t.territory_code, 'tous'
    from waves w cross join {{ ref('dim_territory') }} t where t.territory_level <> 'commune'
    union
    select a.wave_year, w.previous_wave_year, a.territory_level, a.territory_code, a.category
    from agg a join waves w using (wave_year)
),
base as (
    select
        g.wave_year,
        g.previous_wave_year,
        g.territory_level,
        g.territory_code,
        t.territory_name,
        t.departement_code,
        t.region_code,
        t.in_territory,
        g.category                                                        as place_category,
        t.population,
        coalesce(k.n_known_places, 0)                                     as n_known_places,
        coalesce(a.n_respondents, 0)                                      as n_respondents,
        coalesce(a.n_local_respondents, 0)                                as n_local_respondents,
        coalesce(kr.n_known_respondents, 0)                               as n_known_respondents,
        {{ ratio('coalesce(kr.n_known_respondents, 0)', 'k.n_known_places') }} as response_rate,
        {%- for m in measures %}
        coalesce(a.{{ m }}, 0)                                            as {{ m }},
        {{ ratio('coalesce(a.' ~ m ~ ', 0)', 't.population', 1000) }}     as {{ m }}_per_1000_inhabitants,
        {%- endfor %}
        {{ ratio('a.visitors_with_desks', 'a.desks_with_visitors') }}    as visits_per_desk_per_week,
        {%- for m in measures %}
        case when g.previous_wave_year is not null then coalesce(prev.{{ m }}, 0) end as previous_{{ m }},
        {{ ratio('coalesce(a.' ~ m ~ ', 0) - prev.' ~ m, 'prev.' ~ m, 100) }} as {{ m }}_change_pct,
        {%- endfor %}
        coalesce(p.panel_n_places, 0)                                     as panel_n_places,
        {%- for m in measures %}
        p.panel_{{ m }},
        p.panel_previous_{{ m }},
        {{ ratio('p.panel_' ~ m ~ ' - p.panel_previous_' ~ m, 'p.panel_previous_' ~ m, 100) }} as panel_{{ m }}_change_pct{% if not loop.last %},{% endif %}
        {%- endfor %}
    from grid g
    join {{ ref('dim_territory') }} t using (territory_level, territory_code)
    left join known k using (territory_level, territory_code, category)
    left join agg a using (wave_year, territory_level, territory_code, category)
    left join known_respondents kr using (wave_year, territory_level, territory_code, category)
    left join agg prev on prev.wave_year = g.previous_wave_year and prev.territory_level = g.territory_level
                      and prev.territory_code = g.territory_code and prev.category = g.category
    left join panel p using (wave_year, territory_level, territory_code, category)
)
select
    x.*,
    reg.visitors_per_week_per_1000_inhabitants as region_visitors_per_week_per_1000_inhabitants,
    nat.visitors_per_week_per_1000_inhabitants as national_visitors_per_week_per_1000_inhabitants,
    reg.response_rate                          as region_response_rate,
    nat.response_rate                          as national_response_rate,
    {{ sources_note(['surveys', 'tierslieux_2019', 'populations']) }} as sources
from base x
left join base reg on reg.territory_level = 'region' and reg.territory_code = x.region_code
                  and reg.wave_year = x.wave_year and reg.place_category = x.place_category
left join base nat on nat.territory_level = 'national'
                  and nat.wave_year = x.wave_year and nat.place_category = x.place_category
