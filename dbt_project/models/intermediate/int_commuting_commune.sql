-- Workers of each commune of residence by place of work, from the INSEE flows (int_commuting_flows:
-- arrondissements and communes déléguées counted in their parent commune).
-- A worker counts out of the EPCI when the place of work is in another EPCI, abroad or unknown.
-- Long commutes: straight-line distance between the two commune centres strictly beyond var
-- long_commute_km (default 30 km); unknown distances (abroad, no coordinates) are counted apart.
-- Employment poles: int_employment_poles.
-- Coverage of the flows (flows_coverage, decided per file in int_commuting_flows): 'complet' when the
-- file publishes the stayers (CODGEO = DCLT rows) and the small flows, 'extrait_seuil' otherwise (no
-- intra-commune row in the file, or no flow below var commuting_extract_min_flow, default 100: e.g. the
-- Île-de-France cartograflow extract, flows >= 100 only, no stayers). commuters_in_flows is always the
-- sum of the flows published; with an extract the residents' total is not known, so working_in_commune,
-- share_out_of_commune and share_long_commuters are null (never 0 and 100 %), and the other counts are
-- those of the flows published (minimums). active_residents (active occupied residents) is only published
-- when flows_coverage = 'complet' (it then equals commuters_in_flows); null for an extract.
-- The flows part of fct_commuting_commune (which adds the access to tiers-lieux): it depends on the
-- flows and the referential only, so that a refresh of the places (a survey wave) does not
-- aggregate the flows again.
{%- set long_km = var('long_commute_km') %}
with f as (
    select f.*, p.is_employment_pole as workplace_is_pole
    from {{ ref('int_commuting_flows') }} f
    left join {{ ref('int_employment_poles') }} p on p.commune_code = f.workplace_code
),
c as (select commune_code, commune_name, epci_code, population from {{ ref('dim_commune') }}),
main_pole as (
    select residence_commune_code as commune_code,
           arg_max(workplace_code, (w, workplace_code)) as main_pole_code,
           max(w)                                       as main_pole_workers
    from (select residence_commune_code, workplace_code, sum(workers) as w from f
          where workplace_is_pole and not works_in_residence_commune group by all) as pole_flows
    group by residence_commune_code
),
agg as (
    select
        o.commune_code,
        o.commune_name,
        o.epci_code,
        max(f.census_year)                                                        as census_year,
        bool_and(f.flows_coverage = 'complet')                                    as is_complete,
        max(f.flows_threshold_workers)                                            as flows_threshold_workers,
        sum(f.workers)                                                            as commuters_in_flows,
        coalesce(sum(f.workers) filter (where f.workplace_code = o.commune_code), 0) as working_in_commune,
        coalesce(sum(f.workers) filter (where f.workplace_code <> o.commune_code), 0) as commuters_out_of_commune,
        coalesce(sum(f.workers) filter (where f.workplace_epci_code is distinct from o.epci_code), 0) as commuters_out_of_epci,
        coalesce(sum(f.workers) filter (where f.workplace_is_pole and f.workplace_code <> o.commune_code), 0)
                                                                                  as commuters_to_poles,
        any_value(mp.main_pole_code)                                              as main_pole_code,
        any_value(pc.commune_name)                                                as main_pole_name,
        coalesce(any_value(mp.main_pole_workers), 0)                              as main_pole_workers,
        coalesce(sum(f.workers) filter (where f.distance_km > {{ long_km }}), 0)  as long_commuters,
        coalesce(sum(f.workers) filter (where f.workplace_code <> o.commune_code and f.distance_km is null), 0)
                                                                                  as commuters_distance_unknown,
        coalesce(any_value(ep.jobs), 0)                                           as jobs,
        coalesce(any_value(ep.is_employment_pole), false)                         as is_employment_pole
    from f
    join c o on o.commune_code = f.residence_commune_code
    left join main_pole mp on mp.commune_code = o.commune_code
    left join c pc on pc.commune_code = mp.main_pole_code
    left join {{ ref('int_employment_poles') }} ep on ep.commune_code = o.commune_code
    group by o.commune_code, o.commune_name, o.epci_code
)
select
    commune_code,
    commune_name,
    epci_code,
    census_year,
    case when is_complete then commuters_in_flows end                         as active_residents,
    case when is_complete then working_in_commune end                         as working_in_commune,
    commuters_out_of_commune,
    commuters_out_of_epci,
    case when is_complete then {{ ratio('commuters_out_of_commune', 'commuters_in_flows') }} end
                                                                              as share_out_of_commune,
    -- Added columns.
    commuters_to_poles,
    main_pole_code,
    main_pole_name,
    main_pole_workers,
    {{ long_km }}                                                             as long_commute_km,
    long_commuters,
    commuters_distance_unknown,
    case when is_complete then {{ ratio('long_commuters', 'commuters_in_flows') }} end
                                                                              as share_long_commuters,
    jobs,
    is_employment_pole,
    -- Coverage of the flow file (int_commuting_flows).
    commuters_in_flows,
    case when is_complete then 'complet' else 'extrait_seuil' end             as flows_coverage,
    case when not is_complete then flows_threshold_workers end                as flows_threshold_workers
from agg
