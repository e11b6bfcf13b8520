-- Every facility record of every place source, before placement in a commune: the 2019 inventory of
-- tiers-lieux, France Services, programme laureates (Fabriques de territoire, Manufactures de proximité:
-- one record per project, at the commune's centroid) and the structures hosting conseillers numériques.
-- Laureates of a programme that labels communes rather than places (ref_programmes.label_source
-- 'communes': Petites villes de demain) are not facilities: they stay in dim_programme_label only.
-- coordinates_kind says whether the coordinates locate the place itself ("lieu") or only its commune
-- ("centre_commune": the laureate files). The lists loaded by mapping (source listes_lieux: regional networks,
-- later census exports, local spreadsheets) come last, at priority 5: their records join the place of a record
-- of the four sources above that they match (int_place_clusters), else they are places of their own.
-- published_commune_name (the lists only, for now) places a record whose postcode several communes share.
select
    place_id, 'tiers_lieu' as place_family, 'tierslieux_2019' as source_name,
    place_name, place_type, cast(null as varchar) as fs_type,
    published_commune_code, latitude, longitude, _file, _row,
    postcode, address, cast(null as varchar) as siret, 'lieu' as coordinates_kind, 1 as source_priority,
    cast(null as varchar) as published_commune_name
from {{ ref('stg_tierslieux_2019') }}
union all
select
    'FS-' || fs_id, 'france_services', 'france_services',
    fs_name, 'france_services', fs_type,
    commune_code, latitude, longitude, _file, _row,
    postcode, address, null, 'lieu', 2, null
from {{ ref('stg_france_services') }}
union all
select
    record_id, 'laureat_programme', 'programme_laureates',
    project_name, programme_code, null,
    published_commune_code, latitude, longitude, _file, _row,
    null, null, null, 'centre_commune', 3, null
from {{ ref('stg_programme_laureates') }}
where programme_code is null
   or programme_code not in (select programme_code from {{ ref('ref_programmes') }} where label_source = 'communes')
union all
select
    record_id, 'structure_conseiller_numerique', 'conseillers_numeriques',
    structure_name, 'conseiller_numerique', null,
    published_commune_code, latitude, longitude, _file, _row,
    postcode, address, siret, 'lieu', 4, null
from {{ ref('stg_conseillers_numeriques') }}
union all
select
    record_id, 'lieu_liste', 'listes_lieux',
    place_name, coalesce(declared_type, 'non_renseigne'), null,
    published_commune_code, latitude, longitude, _file, _row,
    postcode, address, siret, 'lieu', 5, published_commune_name
from {{ ref('stg_listes_lieux') }}
