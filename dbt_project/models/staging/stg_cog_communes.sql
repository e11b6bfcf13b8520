-- One row per COG entry; only TYPECOM = 'COM' rows are communes (COMD/COMA/ARM repeat codes).
select
    trim(TYPECOM)                         as commune_type,
    {{ commune_code('COM') }}             as commune_code,
    trim(LIBELLE)                         as commune_name,
    upper(trim(DEP))                      as departement_code,
    trim(REG)                             as region_code,
    nullif(trim(CAN), '')                 as canton_code,
    {{ commune_code('COMPARENT') }}       as parent_commune_code,
    _file, _sha256, _row
from {{ source('raw', 'cog_communes') }}
