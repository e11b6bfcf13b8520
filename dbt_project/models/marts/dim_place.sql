-- One row per place the indicators and the dashboard count (a tiers-lieu of the 2019 inventory or a France
-- Services site) placed in a commune, with the records of the other sources that are the same real place
-- folded in (programme laureates, conseillers numériques host structures; int_place_clusters), listed in
-- source_ids / source_names (bridge: dim_place_source). An inventory tiers-lieu and a France Services site
-- that are the same place keep one row each (counted separately) and share real_place_id. Every real place
-- of every source, laureates and host structures matching no such place included, is in dim_real_place.
-- Records that could not be placed are in quality_unplaced_places.
{%- set distance = haversine_km('p.latitude', 'p.longitude', 'e.ref_latitude', 'e.ref_longitude') %}
{%- set outside = outside_departement('p.latitude', 'p.longitude') %}
{%- set bad = '(p.latitude is null or p.longitude is null or coalesce(' ~ outside ~ ', false))' %}
with members as (
    select k.place_id,
           list(k.source_record_id order by k.source_priority, k.source_record_id) as source_ids,
           list(distinct k.source_name order by k.source_name)                   as source_names,
           count(*)                                                              as n_source_records,
           any_value(k.real_place_id) filter (where k.source_record_id = k.place_id) as real_place_id,
           list(distinct pp.place_type order by pp.place_type) filter (where pp.place_family = 'laureat_programme') as programme_codes,
           max(pp.siret)                                                         as siret
    from {{ ref('int_place_clusters') }} k
    join {{ ref('int_place_placement') }} pp on pp.place_id = k.source_record_id
    group by k.place_id
),
places as (
    select
        p.place_id,
        p.place_family,
        p.source_name,
        p.place_name,
        p.place_type,
        p.fs_type,
        fsi.fs_itinerant,
        p.commune_code,
        c.commune_name,
        c.epci_code,
        c.canton_code,
        c.departement_code,
        -- Coordinates used by the indicators: the published ones when they lie in the département of the
        -- place's commune (int_departement_extent), else the commune's centre (coordinates_status says which;
        -- quality_place_coordinates lists every replacement with its reason).
        case when {{ bad }} then c.latitude else p.latitude end    as latitude,
        case when {{ bad }} then c.longitude else p.longitude end  as longitude,
        case when p.latitude is null or p.longitude is null then
                 case when c.latitude is null then 'absentes' else 'centre_commune_sans_coordonnees' end
             when {{ outside }} then 'centre_commune_coordonnees_hors_departement'
             else 'publiees' end                                   as coordinates_status,
        case when p.latitude is null or p.longitude is null then 'pas de coordonnées publiées : centre de la commune utilisé'
             when {{ outside }} then 'coordonnées publiées à ' || round({{ distance }}) || ' km du centre médian du département '
                  || c.departement_code || ' de la commune ' || p.commune_code || ' (seuil ' || round(e.max_departement_km)
                  || ' km) : centre de la commune utilisé'
             end                                                   as coordinates_note,
        p.latitude                                                 as published_latitude,
        p.longitude                                                as published_longitude,
        p.placement_method,
        p._file  as source_file,
        p._row   as source_row,
        -- The category used by the indicators (tiers-lieux and France Services only) and where it comes from.
        case when p.place_family in ('tiers_lieu', 'france_services') then k.place_category end as place_category,
        case when p.place_family in ('tiers_lieu', 'france_services') then k.category_source end as category_source,
        k.declared_type,
        c.region_code,
        p.published_commune_code,
        p.placement_distance_km,
        -- Real place across sources (referential).
        m.real_place_id,
        m.source_ids,
        m.source_names,
        m.n_source_records,
        m.programme_codes,
        coalesce(p.siret, m.siret)                                     as siret,
        p.address,
        p.postcode,
        -- Contacts as the source publishes them (the 2019 inventory: website, e-mail; France Services:
        -- e-mail, telephone); null when the source has none.
        tl.website,
        coalesce(tl.email, fsi.email)                                  as email,
        fsi.phone
    from {{ ref('int_place_placement') }} p
    join members m using (place_id)
    left join {{ ref('dim_commune') }} c using (commune_code)
    left join {{ ref('int_departement_extent') }} e on e.departement_code = c.departement_code
    left join {{ ref('int_place_category') }} k using (place_id)
    left join {{ ref('stg_france_services') }} fsi on p.place_family = 'france_services' and p.place_id = 'FS-' || fsi.fs_id
    left join {{ ref('stg_tierslieux_2019') }} tl on p.source_name = 'tierslieux_2019' and tl.place_id = p.place_id
    where p.commune_code is not null and p.place_family in ('tiers_lieu', 'france_services')
    -- Places "recensés localement" (survey answers matched to no place; surveys work, see the model).
    -- A local place is its own real place, with one source record (the survey).
    union all by name
    select l.*, l.place_id as real_place_id, [l.place_id] as source_ids, ['surveys'] as source_names,
           1 as n_source_records
    from {{ ref('int_survey_local_places') }} l
),
-- The real places that are (also) a France Services site: every place of such a real place offers it.
france_services_real_places as (
    select distinct real_place_id from places where place_family = 'france_services' and real_place_id is not null
)
select
    p.*,
    -- Services a place offers, as the sources say (the Annuaire's filters): France Services when it is a
    -- France Services site or the same real place as one; a conseiller numérique when a host structure of the
    -- programme was matched to it; a programme label when a laureate of that programme was matched to it.
    coalesce(p.place_family = 'france_services' or fs.real_place_id is not null, false) as offers_france_services,
    coalesce(list_contains(p.source_names, 'conseillers_numeriques'), false)      as hosts_conseiller_numerique,
    coalesce(list_contains(p.programme_codes, 'fabrique_territoire'), false)           as is_fabrique_territoire,
    coalesce(list_contains(p.programme_codes, 'manufacture_proximite'), false)         as is_manufacture_proximite
from places p
left join france_services_real_places fs on fs.real_place_id = p.real_place_id
