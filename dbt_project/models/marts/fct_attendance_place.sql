-- One row per survey answer (place x wave), matched to a known place: by the identifier the
-- observatory pre-fills in the questionnaire, else by SIRET seen in an earlier answer, else by
-- normalised name within the same commune. Unmatched answers are places "recensés localement".
with s as (select *, {{ normalize_name('place_name') }} as name_key from {{ ref('stg_surveys') }}),
places as (
    select place_id, place_type, commune_code, {{ normalize_name('place_name') }} as name_key
    from {{ ref('dim_place') }} where place_family = 'tiers_lieu'
),
siret_ids as (
    select siret, min(place_ref) as place_ref from {{ ref('stg_surveys') }}
    where siret is not null and place_ref in (select place_id from places)
    group by siret having count(distinct place_ref) = 1
),
matched as (
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
)
select
    m.wave_year,
    coalesce(m.place_id, 'LOCAL-' || md5(m.name_key || '|' || m.commune_code)) as place_key,
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
    m._row  as source_row
from matched m
left join places p using (place_id)
left join {{ ref('dim_commune') }} c on c.commune_code = coalesce(p.commune_code, m.commune_code)
