-- Workers of each commune of residence by place of work, from the INSEE flows
-- (int_commuting_flows: arrondissements and communes déléguées counted in their parent commune).
-- A worker counts out of the EPCI when the place of work is in another EPCI, abroad or unknown.
-- Long commutes: straight-line distance between the two commune centres strictly beyond var
-- long_commute_km (default 30 km); unknown distances (abroad, no coordinates) are counted apart.
-- Employment poles: int_employment_poles.
-- flows_coverage (decided from the data of each flow file, int_commuting_flows): 'complet' when the file
-- has intra-commune rows (CODGEO = DCLT: the stayers) and flows below var commuting_extract_min_flow
-- (default 100); 'extrait_seuil' when it has no intra-commune row at all or no flow below that threshold
-- (the Île-de-France cartograflow extract: flows >= 100, no stayers). With an extract the marts do not
-- claim the residents' total: working_in_commune, share_out_of_commune and share_long_commuters are null,
-- commuters_in_flows is the sum of the flows published and flows_threshold_workers the smallest of them.
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
