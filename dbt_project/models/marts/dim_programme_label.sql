-- One row per programme label (laureate project of a national programme: Fabrique de territoire,
-- Manufacture de proximité, Campus connecté, Micro-Folie, Conseillers numériques...), placed in its
-- commune. Empty until a laureate source is loaded (see int_programme_labels). France Services are
-- not repeated here: they are facilities of dim_place. Coordinates outside the département of the label's
-- commune are replaced by the commune's centre, as for dim_place (coordinates_status).
{%- set outside = outside_departement('l.latitude', 'l.longitude') %}
select
    l.label_id,
    l.programme_code,
    pr.programme_name,
    l.published_programme,
    l.label_name,
    l.published_commune_code,
    l.n_communes,
    l.published_date                                                             as label_date,
    l.commune_code,
    c.commune_name,
    c.epci_code,
    c.canton_code,
    c.departement_code,
    c.region_code,
    case when coalesce({{ outside }}, false) then c.latitude else l.latitude end   as latitude,
    case when coalesce({{ outside }}, false) then c.longitude else l.longitude end as longitude,
    case when l.latitude is null or l.longitude is null then 'absentes'
         when {{ outside }} then 'centre_commune_coordonnees_hors_departement'
         else 'publiees' end                                                     as coordinates_status,
    l.published_amount_eur,
    l.students,
    l.commune_code is not null as is_placed,
    l.source_table,
    l._file as source_file,
    l._row  as source_row
from {{ ref('int_programme_labels') }} l
left join {{ ref('ref_programmes') }} pr using (programme_code)
left join {{ ref('dim_commune') }} c using (commune_code)
left join {{ ref('int_departement_extent') }} e on e.departement_code = c.departement_code
