-- Share of the rows of each source brought to a commune of the COG vintage (after code harmonisation and,
-- for facilities, placement by postcode or coordinates). The rows that were not are listed, with their
-- reason, in quality_unplaced_rows. Shown on the dashboard's data-quality page.
with totals as (
    select 'populations' as source_name, count(*) as n from {{ ref('stg_populations') }}
    union all select 'communes_geo', count(*) from {{ ref('stg_communes_geo') }}
    union all select 'grille_densite', count(*) from {{ ref('stg_grille_densite') }}
    union all select 'typologie_ruralite', count(*) from {{ ref('stg_typologie_ruralite') }}
    union all select 'communes_etalab', count(*) from {{ ref('stg_communes_etalab') }}
    union all select 'epci_etalab', count(*) from {{ ref('stg_epci_members') }}
    union all select 'mobpro_flows', count(*) from {{ ref('int_commuting_flows') }}
    union all select source_name, count(*) from {{ ref('int_place_placement') }} group by source_name
),
unplaced as (select source_name, count(*) as n from {{ ref('quality_unplaced_rows') }} group by source_name)
select
    t.source_name,
    t.n                                    as rows,
    t.n - coalesce(u.n, 0)                 as placed,
    coalesce(u.n, 0)                       as unplaced,
    round((t.n - coalesce(u.n, 0)) / t.n, 6) as share_placed
from totals t
left join unplaced u using (source_name)
where t.n > 0
