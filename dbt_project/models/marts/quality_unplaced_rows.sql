-- Every row of a source that could not be brought to a commune of the COG vintage, with its source, file,
-- row, the code as published and the reason (French): facility records (quality_unplaced_places), legal
-- populations, the communes-france file, the density grid, the rurality typology, Etalab communes and
-- EPCI members, home-to-work flows (residence). Codes are harmonised first (dim_commune_code_history).
with h as (select old_code from {{ ref('dim_commune_code_history') }}),
unknown_code as (
    select 'populations' as source_name, _file as source_file, _row as source_row, commune_code as published_code
    from {{ ref('stg_populations') }}
    union all
    select 'communes_geo', _file, _row, commune_code from {{ ref('stg_communes_geo') }}
    union all
    select 'grille_densite', _file, _row, published_commune_code from {{ ref('stg_grille_densite') }}
    union all
    select 'typologie_ruralite', _file, _row, published_commune_code from {{ ref('stg_typologie_ruralite') }}
    union all
    select 'communes_etalab', _file, _row, commune_code from {{ ref('stg_communes_etalab') }}
    union all
    select 'epci_etalab', _file, _row, member_code from {{ ref('stg_epci_members') }}
)
select source_name, source_file, source_row, published_code,
       case when published_code is null then 'code commune absent'
            else 'code commune « ' || published_code || ' » inconnu du référentiel (ni commune du COG chargé, '
                 || 'ni commune déléguée ou associée, ni arrondissement municipal, ni ancien code fusionné)' end as reason
from unknown_code
where published_code is null or published_code not in (select old_code from h)
union all
select source_name, _file, _row, published_commune_code, unplaced_reason
from {{ ref('int_place_placement') }} where placement_method is null
union all
select 'mobpro_flows', _file, _row, published_residence_code,
       'commune de résidence « ' || coalesce(published_residence_code, '') || ' » inconnue du référentiel'
from {{ ref('int_commuting_flows') }}
where residence_commune_code not in (select commune_code from {{ ref('dim_commune') }}) or residence_commune_code is null
