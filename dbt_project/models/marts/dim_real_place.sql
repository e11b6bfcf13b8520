-- One row per real place across every place source (2019 inventory, France Services, programme laureates,
-- conseillers numériques host structures): the records of int_place_clusters grouped by real_place_id. Its
-- name, commune and coordinates are those of its main record (inventory, else France Services, else
-- laureate, else host structure); flags say which sources know it.
with k as (
    select k.*, p.place_name, p.place_family, p.place_type, p.commune_code, p.latitude, p.longitude, p.siret,
           p.coordinates_kind
    from {{ ref('int_place_clusters') }} k
    join {{ ref('int_place_placement') }} p on p.place_id = k.source_record_id
),
g as (
    select
        real_place_id,
        arg_min(source_record_id, (source_priority, source_record_id))             as main_record_id,
        arg_min(place_name, (source_priority, source_record_id))                   as place_name,
        arg_min(commune_code, (source_priority, source_record_id))                 as commune_code,
        arg_min(latitude, (coordinates_kind <> 'lieu', source_priority, source_record_id)) as latitude,
        arg_min(longitude, (coordinates_kind <> 'lieu', source_priority, source_record_id)) as longitude,
        bool_or(place_family = 'tiers_lieu')                                       as is_tiers_lieu_inventory,
        bool_or(place_family = 'france_services')                                  as is_france_services,
        bool_or(place_family = 'laureat_programme')                                as is_programme_laureate,
        bool_or(place_family = 'structure_conseiller_numerique')                   as hosts_conseillers_numeriques,
        list(distinct place_type order by place_type) filter (where place_family = 'laureat_programme') as programme_codes,
        list(source_record_id order by source_priority, source_record_id)          as source_ids,
        list(distinct source_name order by source_name)                            as source_names,
        count(*)                                                                   as n_source_records,
        max(siret)                                                                 as siret
    from k
    group by real_place_id
)
select
    g.real_place_id, g.main_record_id, g.place_name, g.commune_code, c.commune_name, c.epci_code, c.canton_code,
    c.departement_code, c.region_code, g.latitude, g.longitude, g.is_tiers_lieu_inventory, g.is_france_services,
    g.is_programme_laureate, g.hosts_conseillers_numeriques, g.programme_codes, g.source_ids, g.source_names,
    g.n_source_records, g.siret
from g
left join {{ ref('dim_commune') }} c using (commune_code)
