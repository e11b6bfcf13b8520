-- Home-to-work flows (INSEE) with both ends brought back to the referential's communes (a municipal
-- arrondissement or a commune déléguée counts in its parent commune, int_cog_parents), their EPCI,
-- the straight-line distance between the two commune centres (null abroad or without coordinates),
-- and whether the workplace is an employment pole (int_employment_poles).
--
-- Coverage of the flow file (flows_coverage), decided from the data of each file loaded (_file), on the
-- codes as published (before the parent mapping, which turns flows between an arrondissement and its
-- neighbour, or between two communes since merged, into "intra-commune" flows that are not stayers):
--   * 'complet': the file has intra-commune rows (CODGEO = DCLT, the residents working in their own
--     commune) and flows smaller than var commuting_extract_min_flow (default 100 workers): the INSEE
--     base flux de mobilité as published (decimal weighted flows of every size, stayers included). The
--     flows of a commune then add up to its active occupied residents.
--   * 'extrait_seuil': no intra-commune row at all in the file (stayers absent) or no flow below
--     var commuting_extract_min_flow (a thresholded extract, e.g. the Île-de-France cartograflow file:
--     flows >= 100 only, no stayers). The flows of a commune are then only the flows published: neither
--     the residents working in their commune nor the residents' total are known.
-- flows_threshold_workers is the smallest flow published in an extract (100 for the cartograflow file:
-- flows below are not published); null for a complete file.
{%- set min_flow = var('commuting_extract_min_flow', 100) %}
with parents as (select * from {{ ref('int_cog_parents') }}),
c as (select commune_code, epci_code, latitude, longitude from {{ ref('dim_commune') }}),
files as (
    select _file,
           bool_or(residence_commune_code = workplace_code)  as file_has_stayers,
           min(workers) filter (where workers > 0)           as file_min_workers
    from {{ ref('stg_mobpro_flows') }}
    group by _file
),
f as (
    select
        coalesce(pr.parent_commune_code, f.residence_commune_code) as residence_commune_code,
        f.residence_commune_code                                   as published_residence_code,
        case when f.workplace_is_foreign then f.workplace_code
             else coalesce(pw.parent_commune_code, f.workplace_code) end as workplace_code,
        f.workplace_code                                           as published_workplace_code,
        f.workplace_is_foreign,
        f.workers,
        f.census_year,
        f._file, f._row
    from {{ ref('stg_mobpro_flows') }} f
    left join parents pr on pr.old_code = f.residence_commune_code
    left join parents pw on pw.old_code = f.workplace_code and not f.workplace_is_foreign
)
select
    f.*,
    o.epci_code                                                     as residence_epci_code,
    d.epci_code                                                     as workplace_epci_code,
    d.commune_code is not null                                      as workplace_in_referential,
    f.workplace_code = f.residence_commune_code                     as works_in_residence_commune,
    case when f.workplace_code = f.residence_commune_code then 0.0
         when d.latitude is not null and o.latitude is not null
         then round({{ haversine_km('o.latitude', 'o.longitude', 'd.latitude', 'd.longitude') }}, 3) end as distance_km,
    case when fl.file_has_stayers and fl.file_min_workers < {{ min_flow }} then 'complet'
         else 'extrait_seuil' end                                   as flows_coverage,
    case when not (fl.file_has_stayers and fl.file_min_workers < {{ min_flow }})
         then fl.file_min_workers end                               as flows_threshold_workers
from f
left join files fl using (_file)
left join c o on o.commune_code = f.residence_commune_code
left join c d on d.commune_code = f.workplace_code
