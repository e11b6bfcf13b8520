-- Laureates of the ANCT programme files (Fabriques de territoire, Manufactures de proximité, Petites villes
-- de demain): one row per PROJECT and COMMUNE. A published feature may list several projects of one commune
-- ("fabt-59; fabt-60" with their names "LAB 01; Pangloss Labs") or one convention covering several communes
-- (liste_geo "A (01001), B (01002)"). The commune is id_geo where the file has it, else the codes written
-- in liste_geo ("Bouillante (97106)": Petites villes de demain). The ANCT files only give the commune and
-- its centroid: no address, no SIRET (matching uses name + commune only).
{%- set rel = optional_raw_relation('programme_laureates') %}
{%- set cols = column_names(rel) %}
with f as (
    select
        {{ laureate_commune_codes(raw_text(rel, ['id_geo', 'insee_com'], cols), raw_text(rel, ['liste_geo'], cols)) }} as codes,
        {{ liste_geo_names(raw_text(rel, ['liste_geo'], cols)) }}               as listed_names,
        {{ raw_text(rel, ['lib_geo', 'lib_com'], cols) }}                       as published_commune_name,
        try_cast({{ raw_text(rel, ['date_signature'], cols) }} as date)         as signature_date,
        {{ to_double(raw_text(rel, ['latitude'], cols)) }}                      as latitude,
        {{ to_double(raw_text(rel, ['longitude'], cols)) }}                     as longitude,
        string_split(coalesce({{ raw_text(rel, ['id_territoire'], cols) }}, ''), ';')   as ids,
        string_split(coalesce({{ raw_text(rel, ['lib_territoire'], cols) }}, ''), ';')  as names,
        {{ raw_text(rel, ['lib_territoire'], cols) }}                           as full_name,
        {{ optional_column(rel, ['_file'], columns=cols) }}                             as _file,
        {{ optional_column(rel, ['_row'], 'bigint', columns=cols) }}                    as _row
    from {{ raw_or_empty('programme_laureates') }}
),
projects as (
    -- A name list that does not split like the identifiers (a name holding ";") stays whole for each.
    select f.* exclude (ids, names), i as part,
           nullif(trim(ids[i]), '') as project_ref,
           nullif(trim(case when len(names) = len(ids) then names[i] else full_name end), '') as project_name
    -- r only names the column i (SQLFluff sees the alias as unused)
    from f, range(1, len(ids) + 1) r(i)  -- noqa: AL05
),
communes as (
    select p.* exclude (codes, listed_names), len(p.codes) as n_communes,
           p.codes[j] as published_commune_code,
           coalesce(p.published_commune_name, nullif(trim(p.listed_names[j]), '')) as commune_name
    -- s only names the column j
    from projects p, range(1, len(p.codes) + 1) s(j)  -- noqa: AL05
)
select
    'LAUREAT-' || coalesce(project_ref, coalesce(_file, 'laureat') || '-' || _row || '-' || part)
        || case when n_communes > 1 then '-' || published_commune_code else '' end as record_id,
    project_ref,
    coalesce(project_name, project_ref)                                  as project_name,
    case when lower(project_ref) like 'fabt%' or coalesce(_file, '') ilike '%fabt%' then 'fabrique_territoire'
         when lower(project_ref) like 'manuprox%' or coalesce(_file, '') ilike '%manuprox%' then 'manufacture_proximite'
         when lower(project_ref) like 'pvd%' or coalesce(_file, '') ilike '%pvd%' then 'petite_ville_demain'
    end                                                                  as programme_code,
    published_commune_code,
    commune_name                                                         as published_commune_name,
    n_communes,
    signature_date,
    -- the point of a convention covering several communes is one of them: no point for each commune
    case when n_communes = 1 then latitude end                           as latitude,
    case when n_communes = 1 then longitude end                          as longitude,
    _file,
    _row
from communes
