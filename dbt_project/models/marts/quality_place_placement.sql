-- Share of each source's facilities placed in a commune, and how. Unplaced rows are listed in
-- quality_unplaced_places: they never silently disappear from the indicators.
select
    source_name,
    count(*)                                                           as n_rows,
    count(*) filter (where placement_method = 'code_insee')             as n_placed_by_code,
    count(*) filter (where placement_method = 'coordonnees_commune_la_plus_proche') as n_placed_by_coordinates,
    count(*) filter (where placement_method is null)                    as n_unplaced,
    count(*) filter (where placement_method is not null) / count(*)     as share_placed,
    count(*) filter (where placement_method = 'code_insee_commune_parente') as n_placed_by_parent_code,
    count(*) filter (where placement_method = 'code_insee_fusionne')    as n_placed_by_merged_code,
    count(*) filter (where placement_method = 'code_postal')            as n_placed_by_postcode,
    count(*) filter (where placement_method = 'code_postal_nom_commune') as n_placed_by_postcode_and_name,
    count(*) filter (where placement_method = 'code_postal_cedex_nom_commune') as n_placed_by_cedex_and_name
from {{ ref('int_place_placement') }}
group by source_name
