-- Active occupied residents (15+) of each commune by place of work, from the INSEE flows.
-- A worker counts out of the EPCI when the place of work is in another EPCI, abroad or unknown.
with f as (select * from {{ ref('stg_mobpro_flows') }}),
c as (select commune_code, commune_name, epci_code, population from {{ ref('dim_commune') }})
select
    o.commune_code,
    o.commune_name,
    o.epci_code,
    max(f.census_year)                                                        as census_year,
    sum(f.workers)                                                            as active_residents,
    coalesce(sum(f.workers) filter (where f.workplace_code = o.commune_code), 0) as working_in_commune,
    coalesce(sum(f.workers) filter (where f.workplace_code <> o.commune_code), 0) as commuters_out_of_commune,
    coalesce(sum(f.workers) filter (where d.epci_code is distinct from o.epci_code), 0) as commuters_out_of_epci,
    coalesce(sum(f.workers) filter (where f.workplace_code <> o.commune_code), 0)
        / nullif(sum(f.workers), 0)                                           as share_out_of_commune
from f
join c o on o.commune_code = f.residence_commune_code
left join c d on d.commune_code = f.workplace_code
group by o.commune_code, o.commune_name, o.epci_code
