-- Laureates of Fabriques de territoire and Manufactures de proximité: one row per PROJECT (a published
-- feature may list several, "fabt-59; fabt-60" with their names "LAB 01; Pangloss Labs"). The ANCT files
-- only give the commune and its centroid: no address, no SIRET (matching uses name + commune only).
{%- set rel = optional_raw_relation('programme_laureates') %}
with f as (
    select
        {{ commune_code(raw_text(rel, ['id_geo', 'insee_com'])) }}        as published_commune_code,
        {{ raw_text(rel, ['lib_geo', 'lib_com']) }}                       as published_commune_name,
        {{ to_double(raw_text(rel, ['latitude'])) }}                      as latitude,
        {{ to_double(raw_text(rel, ['longitude'])) }}                     as longitude,
        string_split(coalesce({{ raw_text(rel, ['id_territoire']) }}, ''), ';')   as ids,
        string_split(coalesce({{ raw_text(rel, ['lib_territoire']) }}, ''), ';')  as names,
        {{ optional_column(rel, ['_file']) }}                             as _file,
        {{ optional_column(rel, ['_row'], 'bigint') }}                    as _row
    from {{ raw_or_empty('programme_laureates') }}
),
projects as (
    select f.* exclude (ids, names), i as part,
           nullif(trim(ids[i]), '') as project_ref, nullif(trim(names[i]), '') as project_name
    -- r only names the column i (SQLFluff sees the alias as unused)
    from f, range(1, len(ids) + 1) r(i)  -- noqa: AL05
)
select
    'LAUREAT-' || coalesce(project_ref, coalesce(_file, 'laureat') || '-' || _row || '-' || part) as record_id,
    project_ref,
    coalesce(project_name, project_ref)                                  as project_name,
    case when lower(project_ref) like 'fabt%' or coalesce(_file, '') ilike '%fabt%' then 'fabrique_territoire'
         when lower(project_ref) like 'manuprox%' or coalesce(_file, '') ilike '%manuprox%' then 'manufacture_proximite'
    end                                                                  as programme_code,
    published_commune_code,
    published_commune_name,
    latitude,
    longitude,
    _file,
    _row
from projects
