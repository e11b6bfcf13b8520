-- One row per programme label (laureate project of a national programme: Fabrique de territoire,
-- Manufacture de proximité, Campus connecté, Micro-Folie, Conseillers numériques...), placed in its
-- commune. Empty until a laureate source is loaded (see int_programme_labels). France Services are
-- not repeated here: they are facilities of dim_place.
select
    l.label_id,
    l.programme_code,
    pr.programme_name,
    l.published_programme,
    l.label_name,
    l.published_commune_code,
    l.commune_code,
    c.commune_name,
    c.epci_code,
    c.canton_code,
    c.departement_code,
    c.region_code,
    l.latitude,
    l.longitude,
    l.published_amount_eur,
    l.students,
    l.commune_code is not null as is_placed,
    l.source_table,
    l._file as source_file,
    l._row  as source_row
from {{ ref('int_programme_labels') }} l
left join {{ ref('ref_programmes') }} pr using (programme_code)
left join {{ ref('dim_commune') }} c using (commune_code)
