-- One row per programme label (laureate project) found in the raw laureate tables named by var
-- programme_label_tables (macro programme_label_rows: a missing table gives no row, so every label
-- count is zero until a laureate source is loaded). The programme is resolved with seed map_programme
-- (published programme, else the identifier's prefix such as "fabt" or "manuprox", else the table
-- name); the commune through the COG (commune, else parent of a commune déléguée/arrondissement). A
-- convention covering several communes (Petites villes de demain) gives one label per commune, its id
-- suffixed with the commune code ("pvd-11-77-3-77079").
with rows as (
    {{ programme_label_rows() }}
),
parts as (
    -- One label per project and commune. A name list that does not split like the identifiers (a name
    -- holding ";") stays whole for each project rather than shifting the names.
    select r.* exclude (id_parts, name_parts, full_name, commune_codes),
        i                                    as part,
        nullif(trim(r.id_parts[i]), '')      as label_ref,
        nullif(trim(case when len(r.name_parts) = len(r.id_parts) then r.name_parts[i] else r.full_name end), '')
                                             as label_name,
        len(r.commune_codes)                 as n_communes,
        r.commune_codes[j]                   as published_commune_code
    -- a and b only name the columns i and j (SQLFluff sees the aliases as unused)
    from rows r, range(1, len(r.id_parts) + 1) a(i), range(1, len(r.commune_codes) + 1) b(j)  -- noqa: AL05
),
keyed as (
    select *,
        {{ normalize_name('published_programme') }}                                   as key_programme,
        {{ normalize_name("regexp_extract(coalesce(label_ref, ''), '^([A-Za-z]+)', 1)") }} as key_prefix,
        {{ normalize_name("replace(source_table, '_', ' ')") }}                       as key_table
    from parts
),
parents as (select * from {{ ref('int_cog_parents') }}),
resolved as (
    select k.*,
        coalesce(mp.programme_code, mx.programme_code, mt.programme_code) as programme_code,
        coalesce(c.commune_code, cp.commune_code)                          as commune_code
    from keyed k
    left join {{ ref('map_programme') }} mp on mp.programme_key = k.key_programme
    left join {{ ref('map_programme') }} mx on mx.programme_key = k.key_prefix
    left join {{ ref('map_programme') }} mt on mt.programme_key = k.key_table
    left join {{ ref('dim_commune') }} c on c.commune_code = k.published_commune_code
    left join parents par on par.old_code = k.published_commune_code and c.commune_code is null
    left join {{ ref('dim_commune') }} cp on cp.commune_code = par.parent_commune_code
)
select
    coalesce(r.label_ref || case when r.n_communes > 1 then '-' || r.published_commune_code else '' end,
             r.source_table || '-' || r._row || '-' || row_number() over (
                 partition by r.source_table, r._row order by r.label_name, r.published_commune_code)) as label_id,
    r.programme_code,
    r.published_programme,
    r.label_name,
    r.published_commune_code,
    r.n_communes,
    r.published_date,
    r.commune_code,
    -- The published point of a convention covering several communes is one of them: each label takes
    -- its own commune's centre.
    case when r.n_communes > 1 then c.latitude else coalesce(r.published_latitude, c.latitude) end   as latitude,
    case when r.n_communes > 1 then c.longitude else coalesce(r.published_longitude, c.longitude) end as longitude,
    r.published_amount_eur,
    r.students,
    r.source_table,
    r._file,
    r._row
from resolved r
left join {{ ref('dim_commune') }} c on c.commune_code = r.commune_code
