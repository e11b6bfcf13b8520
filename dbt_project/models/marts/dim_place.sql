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
    p._row   as source_row
from {{ ref('int_place_placement') }} p
left join {{ ref('dim_commune') }} c using (commune_code)
where p.commune_code is not null
