select
    p.place_id,
    p.place_family,
    p.source_name,
    p.place_name,
    p.place_type,
    p.fs_type,
    p.commune_code,
    c.commune_name,
    c.epci_code,
    c.canton_code,
    c.departement_code,
    p.latitude,
    p.longitude,
    p.placement_method,
    p._file  as source_file,
    p._row   as source_row,
    -- Added columns: the category used by the indicators and where it comes from.
    k.place_category,
    k.category_source,
    k.declared_type,
    c.region_code,
    p.published_commune_code,
    p.placement_distance_km
from {{ ref('int_place_placement') }} p
left join {{ ref('dim_commune') }} c using (commune_code)
left join {{ ref('int_place_category') }} k using (place_id)
where p.commune_code is not null
-- Places "recensés localement" (survey answers matched to no place; surveys work, see the model).
union all by name select * from {{ ref('int_survey_local_places') }}
