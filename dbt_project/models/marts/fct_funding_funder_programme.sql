-- Totals by funder and programme, from two bases kept apart (basis): the grants actually published
-- (subventions_publiees: fct_grants, every grant, matched to a place or not), per year (grant_year: the
-- convention date's year, else the year of the file's name; never summed across years), and the estimates
-- of the national programmes' rules (estimation_programme: fct_programme_funding_place), which have no
-- year (grant_year null: amounts per year or over the programme period, see estimated_annual_eur).
-- The estimates are split by placement: 'localise' (the item's commune is known: the same items and amounts
-- as the territory marts, fct_funding_territory national = sum of these rows) and 'non_localise' (no commune
-- of the referential: a host structure published without a usable commune code), so that a programme's
-- total is one figure everywhere: localise + non_localise = every item of fct_programme_funding_place.
-- placement is null for the published grants (their share going to places is amount_to_places_eur).
select
    funder_name,
    programme_code,
    'subventions_publiees'                                as basis,
    count(*)                                              as n_items,
    count(distinct place_id)                              as n_places,
    sum(amount_eur)                                       as amount_eur,
    cast(null as double)                                  as estimated_annual_eur,
    coalesce(sum(amount_eur) filter (where place_id is not null), 0) as amount_to_places_eur,
    grant_year,
    cast(null as varchar)                                 as placement
from {{ ref('fct_grants') }}
group by funder_name, programme_code, grant_year
union all
select
    funder_name,
    programme_code,
    'estimation_programme',
    count(*),
    count(distinct item_id),
    sum(estimated_central_eur),
    sum(estimated_annual_central_eur),
    sum(estimated_central_eur),
    cast(null as integer),
    case when commune_code is null then 'non_localise' else 'localise' end
from {{ ref('fct_programme_funding_place') }}
group by all
