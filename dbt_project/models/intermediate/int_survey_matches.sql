-- One row per survey answer (place x wave), matched to a placed tiers-lieu of the inventory, with a
-- confidence score (match_score, 0-1) and a key shared by the answers of one place across waves
-- (survey_place_key). In order:
--   1. identifiant: the identifier the observatory pre-fills in the questionnaire is a known place (1.0);
--   2. siret: the answer's SIRET is the one of answers (any wave) matched by 1. or 3. to exactly one
--      place (0.95);
--   3. nom_commune: a place of the SAME commune whose normalised name is equal or close (Jaro-Winkler
--      >= 0.88, or one name contains the other): score = 0.85 x name similarity, + 0.10 when the
--      answer's coordinates are within 1 km of the place, - 0.25 when further than 5 km; kept when the
--      score is >= 0.70, the best candidate wins. Never across communes (as mednum's deduplication).
-- Unmatched answers keep place_id null (match_method 'non_rapproche'); their survey_place_key links
-- the waves of one place by SIRET, else by normalised name within the commune: they are the places
-- "recensés localement" (int_survey_local_places).
with s as (select *, {{ normalize_name('place_name') }} as name_key from {{ ref('stg_surveys') }}),
places as (
    select place_id, commune_code, latitude, longitude, {{ normalize_name('place_name') }} as name_key
    from {{ ref('int_place_placement') }}
    where place_family = 'tiers_lieu' and commune_code is not null
),
by_id as (select s._file, s._row, p.place_id from s join places p on p.place_id = s.place_ref),
candidates as (
    select s._file, s._row, p.place_id,
           case when s.name_key = p.name_key then 1.0
                when length(s.name_key) >= 4 and length(p.name_key) >= 4
                     and (contains(s.name_key, p.name_key) or contains(p.name_key, s.name_key))
                     then greatest(0.92, jaro_winkler_similarity(s.name_key, p.name_key))
                else jaro_winkler_similarity(s.name_key, p.name_key) end as name_similarity,
           case when s.latitude is not null and p.latitude is not null
                then {{ haversine_km('s.latitude', 's.longitude', 'p.latitude', 'p.longitude') }} end as distance_km
    from s join places p on p.commune_code = s.commune_code
    where s.name_key <> '' and s._file || '|' || s._row not in (select _file || '|' || _row from by_id)
),
by_name as (
    select _file, _row, place_id, name_similarity, distance_km,
           round(0.85 * name_similarity
                 + case when distance_km <= 1 then 0.10 when distance_km > 5 then -0.25 else 0 end, 3) as score
    from candidates
    where name_similarity >= 0.88
    qualify row_number() over (partition by _file, _row order by score desc, place_id) = 1
),
direct as (
    select s._file, s._row, s.siret, coalesce(i.place_id, n.place_id) as place_id
    from s left join by_id i using (_file, _row)
    left join (select * from by_name where score >= 0.70) n using (_file, _row)
),
siret_places as (
    select siret, min(place_id) as place_id from direct
    where siret is not null and place_id is not null
    group by siret having count(distinct place_id) = 1
),
matched as (
    select s.*,
           coalesce(i.place_id, sp.place_id, case when n.score >= 0.70 then n.place_id end) as place_id,
           case when i.place_id is not null then 'identifiant'
                when sp.place_id is not null then 'siret'
                when n.score >= 0.70 then 'nom_commune'
                else 'non_rapproche' end                                               as match_method,
           case when i.place_id is not null then 1.0
                when sp.place_id is not null then 0.95
                when n.score >= 0.70 then least(1.0, n.score) end                      as match_score,
           n.name_similarity                                                           as match_name_similarity,
           n.distance_km                                                               as match_distance_km
    from s
    left join by_id i using (_file, _row)
    left join siret_places sp on sp.siret = s.siret and i.place_id is null
    left join by_name n using (_file, _row)
),
local_keys as (
    -- Unmatched answers: one key per place across waves (same SIRET, else same name in the commune).
    select _file, _row, 'LOCAL-' || md5(name_key || '|' || coalesce(commune_code, '')) as name_based,
           min('LOCAL-' || md5(name_key || '|' || coalesce(commune_code, ''))) over (partition by coalesce(siret, _file || _row)) as by_siret
    from matched where place_id is null
),
local_final as (
    select _file, _row, min(by_siret) over (partition by name_based) as local_key from local_keys
)
select m.* exclude (match_name_similarity, match_distance_km),
       coalesce(m.place_id, l.local_key) as survey_place_key,
       m.match_name_similarity,
       m.match_distance_km
from matched m
left join local_final l using (_file, _row)
