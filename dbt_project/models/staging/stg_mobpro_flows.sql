-- Work place codes may be foreign (AL000, AL12A, BE540, LU003, SU0AB, MO001, ZZZZZ for another foreign place):
-- kept, flagged, as in stg_mobpro_detail (the list of INSEE's codes: source mobpro_foreign_codes).
select
    {{ commune_code('CODGEO') }}                       as residence_commune_code,
    upper(trim(DCLT))                                  as workplace_code,
    upper(trim(DCLT)) like '99%' or regexp_full_match(upper(trim(DCLT)), '[A-Z]{2}[0-9A-Z]{3}') as workplace_is_foreign,
    {{ to_double('NBFLUX_ACTOCC15P') }}                as workers,
    try_cast(census_year as integer)                   as census_year,
    _file, _sha256, _row
from {{ source('raw', 'mobpro_flows') }}
