-- Places whose published coordinates were not used by the indicators, with the reason and the
-- correction (French): coordinates outside the département of the commune the place is placed in (its
-- published code or postcode wins: the row's coordinates are replaced by the commune's centre), or no
-- coordinates published (the commune's centre is used).
select place_id, place_name, place_family, source_name, source_file, source_row, published_commune_code,
       commune_code, commune_name, departement_code, published_latitude, published_longitude,
       latitude as retained_latitude, longitude as retained_longitude, coordinates_status, coordinates_note
from {{ ref('dim_place') }}
where coordinates_status in ('centre_commune_sans_coordonnees', 'centre_commune_coordonnees_hors_departement', 'absentes')
