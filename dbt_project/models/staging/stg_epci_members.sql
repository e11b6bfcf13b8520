{{ config(materialized="table") }}
-- Members of each EPCI (Etalab epci.json "membres"): one row per EPCI and member commune code as published
-- (harmonised to the COG vintage in int_commune_epci).
with e as (select * from {{ ref('stg_epci_etalab') }} where members_json is not null),
m as (
    select epci_code, _file, _row,
           unnest(coalesce(try_cast(json_extract_string(try_cast(members_json as json), '$[*].code') as varchar[]), [])) as member_code
    from e
)
select epci_code, {{ commune_code('member_code') }} as member_code, _file, _row from m
