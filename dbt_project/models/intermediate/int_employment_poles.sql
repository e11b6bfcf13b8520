-- Jobs per workplace commune, as counted by the flows loaded (workers of the residences in the flow
-- file, stayers included), and active residents per commune. A commune is an employment pole when
-- it hosts at least var employment_pole_min_jobs jobs (default 1,500, INSEE's threshold for the
-- pôles of the zonage en aires d'attraction) and at least as many jobs as active residents (it
-- attracts more workers than it sends away).
with f as (select * from {{ ref('int_commuting_flows') }}),
jobs as (
    select workplace_code as commune_code, sum(workers) as jobs,
           coalesce(sum(workers) filter (where not works_in_residence_commune), 0) as incoming_commuters,
           count(distinct residence_commune_code) filter (where not works_in_residence_commune) as n_origin_communes
    from f where workplace_in_referential group by workplace_code
),
active as (
    select residence_commune_code as commune_code, sum(workers) as active_residents
    from f group by residence_commune_code
)
select
    j.commune_code,
    j.jobs,
    coalesce(a.active_residents, 0)                                            as active_residents,
    j.incoming_commuters,
    j.n_origin_communes,
    {{ ratio('j.jobs', 'a.active_residents') }}                                 as job_ratio,
    j.jobs >= {{ var('employment_pole_min_jobs') }} and j.jobs >= coalesce(a.active_residents, 0) as is_employment_pole
from jobs j
left join active a using (commune_code)
