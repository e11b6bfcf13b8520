select source_name, place_id, place_name, published_commune_code, latitude, longitude,
       unplaced_reason, _file as source_file, _row as source_row, postcode
from {{ ref('int_place_placement') }}
where placement_method is null
