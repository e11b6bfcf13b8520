-- Jobs per workplace commune, as counted by the flows loaded (workers of the residences in the flow
-- file, stayers included when the file publishes them), and the workers of each commune of residence in
-- the flows (residents_in_flows: its active occupied residents when the file is complete). A commune is
-- an employment pole when it hosts at least var employment_pole_min_jobs jobs (default 1,500, INSEE's
-- threshold for the pôles of the zonage en aires d'attraction) and at least as many jobs as residents in
-- the flows (it attracts more workers than it sends away).
-- flows_coverage (int_commuting_flows): 'extrait_seuil' when a flow of the commune (received or sent)
-- comes from an extract without stayers or small flows: jobs and residents_in_flows then count the
-- flows published only, and the pole status is decided on those.
with f as (select * from {{ ref('int_commuting_flows') }}),
jobs as (
    select workplace_code as commune_code, sum(workers) as jobs,
           coalesce(sum(workers) filter (where not works_in_residence_commune), 0) as incoming_commuters,
           count(distinct residence_commune_code) filter (where not works_in_residence_commune) as n_origin_communes,
           bool_and(flows_coverage = 'complet') as jobs_complete
    from f where workplace_in_referential group by workplace_code
),
active as (
    select residence_commune_code as commune_code, sum(workers) as residents_in_flows,
           bool_and(flows_coverage = 'complet') as residents_complete
    from f group by residence_commune_code
)
select
    j.commune_code,
    j.jobs,
    coalesce(a.residents_in_flows, 0)                                          as residents_in_flows,
    j.incoming_commuters,
    j.n_origin_communes,
    {{ ratio('j.jobs', 'a.residents_in_flows') }}                               as job_ratio,
    j.jobs >= {{ var('employment_pole_min_jobs') }} and j.jobs >= coalesce(a.residents_in_flows, 0) as is_employment_pole,
    case when j.jobs_complete and coalesce(a.residents_complete, true) then 'complet'
         else 'extrait_seuil' end                                               as flows_coverage
from jobs j
left join active a using (commune_code)
