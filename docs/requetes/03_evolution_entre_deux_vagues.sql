-- Évolution entre deux vagues de l'enquête : pour chaque lieu qui a répondu aux deux dernières vagues,
-- visiteurs par semaine et adhérents déclarés, et leur évolution (en %).
with waves as (
    select max(wave_year) as last_wave from marts.fct_attendance_place
)
select
    a.place_key,
    a.place_name,
    a.commune_code,
    a.previous_wave_year,
    a.wave_year,
    a.previous_visitors_per_week,
    a.visitors_per_week,
    a.visitors_per_week_change_pct,
    a.previous_members,
    a.members
from marts.fct_attendance_place as a
cross join waves as w
where a.wave_year = w.last_wave
  and a.previous_wave_year is not null
order by a.visitors_per_week_change_pct desc nulls last, a.place_key
