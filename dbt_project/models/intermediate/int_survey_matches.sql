-- One row per survey answer (place x wave), matched to a placed tiers-lieu: by the identifier the
-- observatory pre-fills in the questionnaire, else by SIRET seen in an answer matched by identifier,
-- else by normalised name within the same commune. Unmatched answers keep place_id null.
with s as (select *, {{ normalize_name('place_name') }} as name_key from {{ ref('stg_surveys') }}),
places as (
    select place_id, place_type, commune_code, {{ normalize_name('place_name') }} as name_key
    from {{ ref('int_place_placement') }}
    where place_family = 'tiers_lieu' and commune_code is not null
),
siret_ids as (
    select siret, min(place_ref) as place_ref from {{ ref('stg_surveys') }}
    where siret is not null and place_ref in (select place_id from places)
    group by siret having count(distinct place_ref) = 1
)
select s.*,
    coalesce(p_id.place_id, p_siret.place_id, p_name.place_id) as place_id,
    case when p_id.place_id is not null then 'identifiant'
         when p_siret.place_id is not null then 'siret'
         when p_name.place_id is not null then 'nom_commune'
         else 'non_rapproche' end as match_method
from s
left join places p_id on p_id.place_id = s.place_ref
left join siret_ids si on si.siret = s.siret and p_id.place_id is null
left join places p_siret on p_siret.place_id = si.place_ref
left join places p_name on p_name.name_key = s.name_key and p_name.commune_code = s.commune_code
     and p_id.place_id is null and p_siret.place_id is null
