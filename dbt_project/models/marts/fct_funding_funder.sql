-- Published grants per funder (nomAttribuant) and year (fct_grants.grant_year: the convention date's year,
-- else the year of the file's name), with the part that went to tiers-lieux. One row per funder and year:
-- the SCDL files are published per year and are never summed across years here.
-- grant_year_sources lists where the years come from (date_convention, nom_fichier, inconnue).
select
    funder_name,
    grant_year,
    count(*)                                                   as n_grants,
    sum(amount_eur)                                            as amount_eur,
    count(*) filter (where place_id is not null)               as n_grants_to_places,
    coalesce(sum(amount_eur) filter (where place_id is not null), 0) as amount_to_places_eur,
    count(distinct place_id)                                   as n_places_funded,
    string_agg(distinct grant_year_source, ', ' order by grant_year_source) as grant_year_sources
from {{ ref('fct_grants') }}
group by funder_name, grant_year
