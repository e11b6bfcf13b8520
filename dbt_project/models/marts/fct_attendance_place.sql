-- One row per survey answer (place x wave), matched to a known place (int_survey_matches): by the
-- identifier the observatory pre-fills in the questionnaire, else by SIRET seen in another answer,
-- else by name within the same commune (and distance), with a confidence score kept in
-- int_survey_matches.match_score. Unmatched answers are places "recensés localement": place_id null,
-- place_key = their place_id in dim_place (int_survey_local_places), shared across waves.
with m as (select * from {{ ref('int_survey_matches') }}),
places as (select place_id, place_type, commune_code from {{ ref('dim_place') }} where place_family = 'tiers_lieu'),
answers as (
    select
        m.wave_year,
        m.survey_place_key as place_key,  -- place_id, else the local place across waves
        m.place_id,
        m.match_method,
        m.place_name,
        m.siret,
        coalesce(m.place_type, p.place_type)        as place_type,
        coalesce(p.commune_code, m.commune_code)    as commune_code,
        c.epci_code,
        m.desks,
        m.members,
        m.visitors_per_week,
        m.events_per_year,
        m.surface_m2,
        m.staff_fte,
        m.revenue_eur,
        m.public_funding_share_pct,
        m._file as source_file,
        m._row  as source_row,
        m.opening_hours_per_week
    from m
    left join places p using (place_id)
    left join {{ ref('dim_commune') }} c on c.commune_code = coalesce(p.commune_code, m.commune_code)
)
select
    a.wave_year, a.place_key, a.place_id, a.match_method, a.place_name, a.siret, a.place_type, a.commune_code,
    a.epci_code, a.desks, a.members, a.visitors_per_week, a.events_per_year, a.surface_m2, a.staff_fte,
    a.revenue_eur, a.public_funding_share_pct, a.source_file, a.source_row,
    -- Added columns (indicators): category, occupancy proxy, trend against the place's previous answer.
    coalesce(cat.category_code, case when a.place_type is not null then 'autre' end, 'non_renseigne') as place_category,
    a.opening_hours_per_week,
    {{ ratio('a.visitors_per_week', 'a.desks') }}                                      as visits_per_desk_per_week,
    lag(a.wave_year) over w                                                            as previous_wave_year,
    lag(a.visitors_per_week) over w                                                    as previous_visitors_per_week,
    lag(a.members) over w                                                              as previous_members,
    {{ ratio('a.visitors_per_week - lag(a.visitors_per_week) over w', 'lag(a.visitors_per_week) over w', 100) }}
                                                                                       as visitors_per_week_change_pct
from answers a
left join {{ ref('map_place_type') }} cat on cat.type_key = {{ normalize_name('a.place_type') }}
window w as (partition by a.place_key order by a.wave_year)
