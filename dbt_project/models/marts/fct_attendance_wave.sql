-- One row per survey wave: answers, places matched to the inventory, places only known from the
-- survey, and the response rate (matched places / tiers-lieux known in dim_place).
with a as (select * from {{ ref('fct_attendance_place') }}),
known as (select count(*) as n from {{ ref('dim_place') }} where place_family = 'tiers_lieu')
select
    a.wave_year,
    count(*)                                                     as n_answers,
    count(distinct a.place_id)                                   as n_respondents,
    count(distinct a.place_key) filter (where a.place_id is null) as n_local_respondents,
    any_value(known.n)                                           as n_known_places,
    {{ ratio('count(distinct a.place_id)', 'any_value(known.n)') }} as response_rate,
    count(a.visitors_per_week)                                   as n_answers_with_visitors,
    count(a.desks)                                               as n_answers_with_desks,
    string_agg(distinct a.source_file, ', ' order by a.source_file) as source_files,
    {{ sources_note(['surveys', 'tierslieux_2019']) }}           as sources
from a cross join known
group by a.wave_year
