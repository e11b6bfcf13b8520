-- The offer of tiers-lieux per territory (every level) and year of observation (a year in which a list or a
-- survey wave mentions places, fct_place_history.history): the places open, in project and closed as the
-- sources known that year say (the status rule of fct_place_history applied to the mentions up to that year),
-- those that opened or closed that year, the share of open places among the open and project ones (the
-- founding studies' "78 % ouverts, 22 % en projet"), and its base: how many places got their status from a
-- survey answer, and which lists and waves it rests on (status_base_fr, the same for every territory).
-- Rows: every territory except communes for every year, and the communes where a place is known.
with b as (select * from {{ ref('int_commune_territory') }}),
h as (select * from {{ ref('fct_place_history') }}),
mentions as (
    select h.real_place_id, h.commune_code, unnest(h.history, recursive := true)
    from h
),
years as (
    select observation_year, lag(observation_year) over (order by observation_year) as previous_observation_year
    from (select distinct year as observation_year from mentions) as y
),
-- The status of each known place as of each year: its latest mention stating a status up to that year
-- (rank: the order of the status rule).
status_at as (
    select y.observation_year, m.real_place_id, m.commune_code,
           coalesce(arg_max(m.status, m.rank) filter (where m.status is not null), 'non_renseigne') as status,
           coalesce(arg_max(m.kind, m.rank) filter (where m.status is not null) = 'enquete', false) as from_survey
    from years y join mentions m on m.year <= y.observation_year
    group by all
),
counts as (
    select s.observation_year, b.territory_level, b.territory_code,
           count(*)                                                   as n_places,
           count(*) filter (where s.status = 'ouvert')                as n_open,
           count(*) filter (where s.status = 'en_projet')             as n_project,
           count(*) filter (where s.status = 'ferme')                 as n_closed,
           count(*) filter (where s.status = 'non_renseigne')         as n_status_unknown,
           count(*) filter (where s.from_survey)                      as n_status_from_survey,
           count(*) filter (where h.opening_year = s.observation_year) as n_opened,
           count(*) filter (where h.closing_year = s.observation_year) as n_closed_in_year
    from status_at s
    join h using (real_place_id)
    join b on b.commune_code = s.commune_code
    group by all
),
-- The lists and survey waves behind each year's figures, in French (the same for every territory).
list_labels as (
    select y.observation_year,
           string_agg(distinct coalesce(l.mention_label, m.source_name), ', ') as labels
    from years y join mentions m on m.year <= y.observation_year and m.kind = 'liste'
    left join {{ ref('ref_place_lists') }} l on l.source_name = m.source_name
    group by all
),
survey_waves as (
    select y.observation_year, min(m.year) as first_wave, max(m.year) as last_wave
    from years y join mentions m on m.year <= y.observation_year and m.kind = 'enquete'
    group by all
),
base as (
    select y.observation_year,
           'selon ' || concat_ws(' et ', ll.labels,
                                 case when w.first_wave = w.last_wave then 'l''enquête de l''observatoire ' || w.first_wave
                                      when w.first_wave is not null then 'les enquêtes de l''observatoire '
                                           || w.first_wave || '-' || w.last_wave end) as status_base_fr
    from years y
    left join list_labels ll using (observation_year)
    left join survey_waves w using (observation_year)
),
grid as (
    select y.observation_year, y.previous_observation_year, t.territory_level, t.territory_code
    from years y cross join {{ ref('dim_territory') }} t where t.territory_level <> 'commune'
    union
    select c.observation_year, y.previous_observation_year, c.territory_level, c.territory_code
    from counts c join years y using (observation_year)
)
select
    g.observation_year,
    g.previous_observation_year,
    g.territory_level,
    g.territory_code,
    t.territory_name,
    t.departement_code,
    t.region_code,
    t.in_territory,
    coalesce(c.n_places, 0)                                            as n_places,
    coalesce(c.n_open, 0)                                              as n_open,
    coalesce(c.n_project, 0)                                           as n_project,
    coalesce(c.n_closed, 0)                                            as n_closed,
    coalesce(c.n_status_unknown, 0)                                    as n_status_unknown,
    coalesce(c.n_opened, 0)                                            as n_opened,
    coalesce(c.n_closed_in_year, 0)                                    as n_closed_in_year,
    {{ ratio('coalesce(c.n_open, 0)', 'coalesce(c.n_open, 0) + coalesce(c.n_project, 0)') }} as share_open,
    {{ ratio('coalesce(c.n_project, 0)', 'coalesce(c.n_open, 0) + coalesce(c.n_project, 0)') }} as share_project,
    case when g.previous_observation_year is not null then coalesce(c.n_open, 0) - coalesce(p.n_open, 0) end as open_places_change,
    coalesce(c.n_status_from_survey, 0)                                as n_status_from_survey,
    bs.status_base_fr,
    {{ sources_note(['tierslieux_2019', 'programme_laureates', 'surveys']) }} as sources
from grid g
join {{ ref('dim_territory') }} t using (territory_level, territory_code)
join base bs using (observation_year)
left join counts c using (observation_year, territory_level, territory_code)
left join counts p on p.observation_year = g.previous_observation_year and p.territory_level = g.territory_level
                  and p.territory_code = g.territory_code
