-- Places "recensés localement": survey answers matched to no place of the inventory
-- (int_survey_matches.match_method = 'non_rapproche'), one row per place across waves
-- (survey_place_key), described by its latest answer. Same columns as dim_place, where they apply:
-- source_name 'surveys', placement_method 'enquete' (the commune the place declared; its
-- coordinates when it gave them, else the commune centre), place_family 'tiers_lieu_local' so that
-- the inventory counts (n_tiers_lieux) stay those of the inventory and the survey-only places are
-- counted apart (fct_coverage_territory.n_tiers_lieux_enquete_seulement). Added to dim_place by its
-- last union branch. Answers whose commune is unknown to the referential are not placed.
with answers as (
    select * from {{ ref('int_survey_matches') }} where place_id is null and commune_code is not null
),
known as (   -- the latest value each answer gave, wave after wave (an answer may leave a field blank)
    select survey_place_key,
           arg_max(place_type, wave_year) filter (where place_type is not null)  as place_type,
           arg_max(wave_year, wave_year) filter (where place_type is not null)   as type_wave_year,
           arg_max(latitude, wave_year) filter (where latitude is not null)      as latitude,
           arg_max(longitude, wave_year) filter (where latitude is not null)     as longitude
    from answers group by survey_place_key
),
latest as (
    select a.* exclude (place_type, latitude, longitude), k.place_type, k.type_wave_year, k.latitude, k.longitude
    from answers a join known k using (survey_place_key)
    qualify row_number() over (partition by survey_place_key order by wave_year desc, _file desc, _row desc) = 1
)
select
    l.survey_place_key                                              as place_id,
    'tiers_lieu_local'                                              as place_family,
    'surveys'                                                as source_name,
    l.place_name,
    -- dim_place.place_type keeps the inventory's vocabulary; the declared type is in declared_type.
    case m.category_code when 'coworking' then 'coworking' when 'fablab_makerspace' then 'fablab'
         else 'non_renseigne' end                                   as place_type,
    cast(null as varchar)                                           as fs_type,
    l.commune_code,
    c.commune_name,
    c.epci_code,
    c.canton_code,
    c.departement_code,
    coalesce(l.latitude, c.latitude)                                as latitude,
    coalesce(l.longitude, c.longitude)                              as longitude,
    'enquete'                                                       as placement_method,
    l._file                                                         as source_file,
    l._row                                                          as source_row,
    case when l.place_type is null then 'non_renseigne' else coalesce(m.category_code, 'autre') end as place_category,
    'enquête ' || coalesce(l.type_wave_year, l.wave_year)           as category_source,
    l.place_type                                                    as declared_type,
    c.region_code,
    l.commune_code                                                  as published_commune_code,
    cast(null as double)                                            as placement_distance_km
from latest l
join {{ ref('dim_commune') }} c using (commune_code)
left join {{ ref('map_place_type') }} m on m.type_key = {{ normalize_name('l.place_type') }}
