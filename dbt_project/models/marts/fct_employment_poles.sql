-- Employment poles (int_employment_poles: at least var employment_pole_min_jobs jobs and at least as
-- many jobs as residents in the flows) with the commuters they attract, from the INSEE flows loaded.
-- flows_coverage = 'extrait_seuil' (int_commuting_flows: a file without stayers or small flows): jobs and
-- residents are then counted in the flows published only; active_residents is null (unknown) and
-- residents_in_flows gives the sum of the flows published.
with f as (select * from {{ ref('int_commuting_flows') }})
select
    p.commune_code,
    c.commune_name,
    c.epci_code,
    c.departement_code,
    p.jobs,
    case when p.flows_coverage = 'complet' then p.residents_in_flows end           as active_residents,
    p.job_ratio,
    p.incoming_commuters,
    p.n_origin_communes,
    coalesce(sum(f.workers) filter (where f.residence_epci_code is distinct from c.epci_code), 0) as incoming_from_other_epci,
    coalesce(sum(f.workers) filter (where not f.works_in_residence_commune and f.distance_km > {{ var('long_commute_km') }}), 0)
                                                                                   as incoming_long_commuters,
    {{ var('employment_pole_min_jobs') }}                                          as min_jobs_threshold,
    {{ sources_note(['mobpro_flows', 'cog_communes', 'communes_geo']) }}          as sources,
    -- Added columns (coverage of the flow file, int_commuting_flows).
    p.residents_in_flows,
    p.flows_coverage
from {{ ref('int_employment_poles') }} p
join {{ ref('dim_commune') }} c using (commune_code)
left join f on f.workplace_code = p.commune_code
where p.is_employment_pole
group by all
