-- The category of each placed facility (seed ref_place_categories): France Services are
-- "france_services"; a tiers-lieu takes the type it declared in its latest survey answer (mapped by
-- seed map_place_type; a declared type missing from the map is "autre"), else the type of the 2019
-- inventory (coworking, fablab), else "non_renseigne".
with latest_answer as (
    select place_id, place_type as declared_type, wave_year
    from {{ ref('int_survey_matches') }}
    where place_id is not null and place_type is not null
    qualify row_number() over (partition by place_id order by wave_year desc, _file desc, _row) = 1
),
placed as (select * from {{ ref('int_place_placement') }} where commune_code is not null)
select
    p.place_id,
    case when p.place_family = 'france_services' then 'france_services'
         when l.declared_type is not null then coalesce(m_declared.category_code, 'autre')
         else coalesce(m_inventory.category_code, 'non_renseigne') end as place_category,
    case when p.place_family = 'france_services' then 'liste France Services'
         when l.declared_type is not null then 'enquête ' || l.wave_year
         else 'inventaire 2019' end                                     as category_source,
    l.declared_type
from placed p
left join latest_answer l using (place_id)
left join {{ ref('map_place_type') }} m_declared on m_declared.type_key = {{ normalize_name('l.declared_type') }}
left join {{ ref('map_place_type') }} m_inventory on m_inventory.type_key = {{ normalize_name('p.place_type') }}
