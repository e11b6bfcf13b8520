{#- The census detail file of home-to-work mobility (INSEE FD_MOBPRO): one row per weighted individual, typed.
    Empty when the deployment does not load the source (it is optional). -#}
{%- set rel = optional_raw_relation('mobpro_detail') %}
-- depends on {{ source('raw', 'mobpro_detail') }}
{%- if rel is none %}
select cast(null as varchar) as residence_commune_code, cast(null as varchar) as residence_arrondissement_code,
       cast(null as varchar) as workplace_code, cast(null as boolean) as workplace_is_foreign,
       cast(null as varchar) as occupation_code, cast(null as varchar) as mode_code, cast(null as varchar) as published_mode_code,
       cast(null as double) as weight, cast(null as integer) as census_year, cast(null as varchar) as _file,
       cast(null as bigint) as _row
limit 0
{%- else %}
{%- set has_year = 'census_year' in (adapter.get_columns_in_relation(rel) | map(attribute='name') | map('lower') | list) %}
with typed as (
    select
        {{ commune_code('COMMUNE') }}                                            as residence_commune_code,
        nullif(nullif(trim(ARM), ''), 'ZZZZZ')                                   as residence_arrondissement_code,
        upper(trim(DCLT))                                                        as workplace_code,
        trim(CS1)                                                                as occupation_code,
        trim(TRANS)                                                              as published_mode_code,
        {{ to_double('IPONDI') }}                                                as weight,
        -- The census year is in the file's name only (RP2019_mobpro_csv.zip, FD_MOBPRO_2019.csv): the loader
        -- reads it from the archive's or the data file's name and records it (raw.mobpro_detail.census_year);
        -- a raw table loaded before it did is read from _file.
        {%- if has_year %}
        try_cast(census_year as integer)                                         as census_year,
        {%- else %}
        try_cast(nullif(regexp_extract(_file, '(?:RP|MOBPRO_)(\d{4})', 1), '') as integer) as census_year,
        {%- endif %}
        _file, _row
    from {{ rel }}
)
select
    residence_commune_code,
    residence_arrondissement_code,
    workplace_code,
    -- Abroad: a country code (99 + COG country) or a foreign place code (CH012, LU003...).
    workplace_code like '99%' or regexp_full_match(workplace_code, '[A-Z]{2}[0-9A-Z]{3}') as workplace_is_foreign,
    occupation_code,
    -- Before the 2017 census TRANS had 5 codes (3 deux-roues, 4 voiture, 5 transports en commun): brought to
    -- the 6 codes of 2017 onwards (a two-wheeler of then counts as motorised). Without a census year the codes
    -- cannot be read: no mode ("non renseigné") rather than a guess.
    case when census_year is null then null
         when census_year < 2017 then case published_mode_code when '3' then '4' when '4' then '5' when '5' then '6'
                                      else published_mode_code end
         else published_mode_code end                                     as mode_code,
    published_mode_code,
    weight,
    census_year,
    _file, _row
from typed
{%- endif %}
