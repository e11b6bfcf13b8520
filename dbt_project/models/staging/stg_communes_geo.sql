{%- set raw = source('raw', 'communes_geo') -%}
select
    {{ commune_code('code_insee') }}               as commune_code,
    trim(nom_standard)                             as commune_name,
    {{ to_double('latitude_centre') }}             as latitude,
    {{ to_double('longitude_centre') }}            as longitude,
    nullif(trim(epci_code), '')                    as epci_code,
    nullif(trim(epci_nom), '')                     as epci_name,
    nullif(trim(canton_code), '')                  as canton_code,
    nullif(trim(canton_nom), '')                   as canton_name,
    try_cast(grille_densite as integer)            as density_level,
    nullif(trim(grille_densite_texte), '')         as density_label,
    -- Published by the communes-france file but outside the contract: null when the file lacks them.
    nullif(trim({{ optional_column(raw, ['dep_nom']) }}), '') as departement_name,
    nullif(trim({{ optional_column(raw, ['reg_nom']) }}), '') as region_name,
    _file, _sha256, _row
from {{ raw }}
