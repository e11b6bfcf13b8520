-- Active occupied residents (15+) of each commune by place of work, from the INSEE flows
-- (int_commuting_flows: arrondissements and communes déléguées counted in their parent commune).
-- A worker counts out of the EPCI when the place of work is in another EPCI, abroad or unknown.
-- Long commutes: straight-line distance between the two commune centres strictly beyond var
-- long_commute_km (default 30 km); unknown distances (abroad, no coordinates) are counted apart.
-- Employment poles: int_employment_poles.
-- The flows are aggregated in int_commuting_commune; this model adds the straight-line distance to
-- the nearest tiers-lieu and the long-distance commuters it leaves unserved.
{%- set access_km = var('opportunity_access_km') %}
select
    c.*,
    a.nearest_tiers_lieu_km,
    case when a.nearest_tiers_lieu_km <= {{ access_km }} then 0 else c.long_commuters end
                                                                              as unserved_long_commuters
from {{ ref('int_commuting_commune') }} c
left join {{ ref('fct_access_commune') }} a on a.commune_code = c.commune_code
