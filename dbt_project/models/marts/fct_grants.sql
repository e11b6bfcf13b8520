-- One row per published grant, matched to a tiers-lieu by SIRET (known from the surveys), else by
-- normalised name when exactly one place carries that name. The programme is recognised from the
-- grant's purpose and beneficiary (int_grant_programmes), else "hors_programme".
-- Year of the grant (grant_year): the year of its convention date (dateConvention, or the year published
-- alone there, "2014") when published, else
-- the year in the name of the file it comes from (SCDL files are published per year, e.g.
-- subventions-toulouse_2022.csv, whose dateConvention is empty); grant_year_source says which
-- ('date_convention', 'nom_fichier', or 'inconnue' when neither gives a year). Every funding mart that sums
-- grants says over which year(s).
with g as (select * from {{ ref('stg_subventions') }}),
places as (
    select place_id, epci_code, {{ normalize_name('place_name') }} as name_key
    from {{ ref('dim_place') }} where place_family = 'tiers_lieu'
),
unique_names as (
    select name_key, min(place_id) as place_id from places group by name_key having count(*) = 1
),
sirets as (
    select siret, min(place_id) as place_id from {{ ref('fct_attendance_place') }}
    where siret is not null and place_id is not null group by siret having count(distinct place_id) = 1
),
programme_match as (select * from {{ ref('int_grant_programmes') }})
select
    g.funder_name,
    g.funder_siret,
    g.beneficiary_name,
    g.beneficiary_siret,
    g.purpose,
    g.amount_eur,
    g.convention_date,
    coalesce(s.place_id, n.place_id)                       as place_id,
    case when s.place_id is not null then 'siret'
         when n.place_id is not null then 'nom'
         else 'non_rapproche' end                          as match_method,
    p.epci_code,
    g._file as source_file,
    g._row  as source_row,
    -- Added columns.
    coalesce(pm.programme_code, 'hors_programme')          as programme_code,
    dp.commune_code,
    dp.departement_code,
    dp.region_code,
    coalesce(g.convention_year, try_cast(nullif(regexp_extract(g._file, '(^|[^0-9])((19|20)[0-9]{2})([^0-9]|$)', 2), '') as integer)) as grant_year,
    case when g.convention_year is not null then 'date_convention'
         when regexp_matches(g._file, '(^|[^0-9])(19|20)[0-9]{2}([^0-9]|$)') then 'nom_fichier'
         else 'inconnue' end                               as grant_year_source
from g
left join sirets s on s.siret = g.beneficiary_siret
left join unique_names n on n.name_key = g.beneficiary_name_key and s.place_id is null
left join places p on p.place_id = coalesce(s.place_id, n.place_id)
left join {{ ref('dim_place') }} dp on dp.place_id = coalesce(s.place_id, n.place_id)
left join programme_match pm on pm._file = g._file and pm._row = g._row
