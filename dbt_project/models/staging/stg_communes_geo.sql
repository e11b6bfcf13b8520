{%- set raw = source('raw', 'communes_geo') -%}
{%- set cols = column_names(raw) -%}
-- data.gouv.fr communes-france (and/or the datas.fun communes.csv, same contract through aliases): one row
-- per published code. Columns outside the contract are read when the file has them, else null.
select
    {{ commune_code('code_insee') }}               as commune_code,
    trim(nom_standard)                             as commune_name,
    {{ to_double('latitude_centre') }}             as latitude,
    {{ to_double('longitude_centre') }}            as longitude,
    -- "ZZZZZZZZZ" is INSEE's code for a commune outside any EPCI (islands): no EPCI.
    case when trim({{ optional_column(raw, ['epci_code'], columns=cols) }}) ~ '^\d{9}$' then trim({{ optional_column(raw, ['epci_code'], columns=cols) }}) end as epci_code,
    nullif(trim({{ optional_column(raw, ['epci_nom'], columns=cols) }}), '')        as epci_name,
    nullif(trim({{ optional_column(raw, ['canton_code'], columns=cols) }}), '')     as canton_code,
    nullif(trim({{ optional_column(raw, ['canton_nom'], columns=cols) }}), '')      as canton_name,
    try_cast({{ optional_column(raw, ['grille_densite'], columns=cols) }} as integer) as density_level,
    nullif(trim({{ optional_column(raw, ['grille_densite_texte'], columns=cols) }}), '') as density_label,
    -- Published by the communes-france file but outside the contract: null when the file lacks them.
    nullif(trim({{ optional_column(raw, ['dep_nom'], columns=cols) }}), '') as departement_name,
    nullif(trim({{ optional_column(raw, ['reg_nom'], columns=cols) }}), '') as region_name,
    upper(nullif(trim({{ optional_column(raw, ['typecom', 'commune_type'], columns=cols) }}), '')) as geo_commune_type,
    {{ postcode(optional_column(raw, ['code_postal'], columns=cols)) }}     as postcode,
    _file, _sha256, _row
from {{ raw }}
