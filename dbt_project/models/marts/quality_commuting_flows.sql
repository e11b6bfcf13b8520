-- Flows of the INSEE file that the commuting indicators cannot use, with the reason, so that none
-- disappears silently: a residence outside the commune referential (another COG vintage, a code
-- unknown even as a commune déléguée or arrondissement). Workplaces abroad or outside the referential
-- are kept in the indicators (counted out of the commune and out of the EPCI).
select
    case when c.commune_code is null then 'commune de résidence inconnue du référentiel' end as reason,
    f.published_residence_code,
    f.residence_commune_code,
    count(*)          as n_flows,
    sum(f.workers)    as workers,
    min(f._file)      as source_file,
    min(f._row)       as first_source_row
from {{ ref('int_commuting_flows') }} f
left join {{ ref('dim_commune') }} c on c.commune_code = f.residence_commune_code
where c.commune_code is null
group by all
