-- Bridge from every facility record of every place source to its real place (dim_real_place), the row of
-- dim_place it is counted in (null when it could not be placed, see quality_unplaced_places, or when it is
-- a laureate / host structure that matches no inventory place nor France Services site) and how.
select
    p.place_id                                  as source_record_id,
    p.source_name,
    p.place_family                              as source_family,
    p.place_name                                as source_place_name,
    -- the row of dim_place: a main record of the inventory or of France Services (computed here rather than
    -- read from dim_place, so that a survey-only refresh, which rebuilds dim_place, does not rebuild this)
    case when a.place_family in ('tiers_lieu', 'france_services') then k.place_id end as place_id,
    k.real_place_id,
    coalesce(k.link_method, 'non_place')        as link_method,
    k.match_score,
    p.published_commune_code,
    p.commune_code,
    p.placement_method,
    p._file                                     as source_file,
    p._row                                      as source_row
from {{ ref('int_place_placement') }} p
left join {{ ref('int_place_clusters') }} k on k.source_record_id = p.place_id
left join {{ ref('int_place_placement') }} a on a.place_id = k.place_id
