-- Work place codes may be foreign (AL..., BE..., CH..., LU..., MO001): kept, flagged.
select
    {{ commune_code('CODGEO') }}                       as residence_commune_code,
    upper(trim(DCLT))                                  as workplace_code,
    regexp_full_match(upper(trim(DCLT)), '[A-Z]{2}\d{3}') as workplace_is_foreign,
    {{ to_double('NBFLUX_ACTOCC15P') }}                as workers,
    try_cast(census_year as integer)                   as census_year,
    _file, _sha256, _row
from {{ source('raw', 'mobpro_flows') }}
