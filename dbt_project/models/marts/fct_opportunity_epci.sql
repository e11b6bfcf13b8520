-- "Zones d'opportunité": EPCI where the demand for a tiers-lieu near home is high against the existing offer.
-- Method (also in the column method):
--   demand  = potential_users when the census detail file is loaded (score_basis 'usagers_potentiels'):
--             residents driving to work strictly beyond var telework_min_commute_km (straight line), each counted
--             for the teleworkable share of his occupation (fct_telework_epci, method there); without the detail
--             file (score_basis 'navetteurs_longs'), long_commuters: workers living in the EPCI and working
--             strictly beyond var long_commute_km from home (INSEE flows), as before the detail file existed;
--   offer   = n_tiers_lieux: tiers-lieux placed in the EPCI (dim_place);
--   opportunity_score = demand / (offer + 1): demand per existing tiers-lieu, the + 1 so that an EPCI without
--             any place is ranked by its demand alone;
--   score_status: 'calcule' when the demand is known (the EPCI has residents in the detail file, or, without it,
--             at least one commune with flows), 'non_calcule' otherwise: an unknown demand is not zero, so the
--             score, the rank and is_opportunity_zone are null and score_note gives the reason (French);
--   opportunity_rank: 1 = highest score (ties: smaller EPCI code first), among the EPCI whose score is
--             computed only (n_epci_ranked of them);
--   is_opportunity_zone: in the top quarter of that ranking (rank <= ceil(n_epci_ranked / 4)) with a
--             positive score.
-- A long-commuter score computed from an extract of the flows (flows_coverage = 'extrait_seuil': no stayers, no
-- flow below the threshold) counts the long commutes of the flows published only: a minimum, said in score_note.
-- unserved_long_commuters (long commuters living in a commune with no tiers-lieu within var
-- opportunity_access_km, default 10 km) and potential_users_without_place (at var telework_default_access_km)
-- are given beside, not used in the score.
{%- set long_km = var('long_commute_km') %}
{%- set access_km = var('opportunity_access_km') %}
{%- set telework_km = var('telework_default_access_km') %}
with e as (
    select m.*, c.n_tiers_lieux, c.n_coworking, c.tiers_lieux_per_10k, c.departement_code, c.region_code,
           c.in_territory
    from {{ ref('fct_commuting_epci') }} m
    join {{ ref('fct_coverage_territory') }} c on c.territory_level = 'epci' and c.territory_code = m.epci_code
),
access as (
    select territory_code as epci_code, share_within as share_population_near_tiers_lieu
    from {{ ref('fct_access_territory') }}
    where territory_level = 'epci' and kind = 'tiers_lieu' and distance_km = {{ access_km }}
),
telework as (
    select epci_code, potential_users, potential_users_without_place
    from {{ ref('fct_telework_epci') }}
    where access_km = {{ telework_km }} and days_per_week = {{ var('telework_days_per_week')[0] }}
),
basis as (
    select case when exists (select 1 from telework) then 'usagers_potentiels' else 'navetteurs_longs' end as score_basis
),
known as (
    select e.*, a.share_population_near_tiers_lieu, t.potential_users, t.potential_users_without_place, b.score_basis,
           case when b.score_basis = 'usagers_potentiels' then t.epci_code is not null
                else e.n_communes_with_flows > 0 end                          as demand_known,
           case when b.score_basis = 'usagers_potentiels' then t.potential_users else e.long_commuters end as demand
    from e
    left join access a using (epci_code)
    left join telework t using (epci_code)
    cross join basis b
),
scored as (
    select *,
           case when demand_known then 'calcule' else 'non_calcule' end     as score_status,
           case when demand_known then demand / (n_tiers_lieux + 1.0) end   as opportunity_score
    from known
),
ranked as (
    select *,
           case when score_status = 'calcule'
                then row_number() over (partition by score_status order by opportunity_score desc, epci_code) end
                                                                           as opportunity_rank,
           count(*) filter (where score_status = 'calcule') over ()        as n_epci_ranked
    from scored
)
select
    epci_code,
    epci_name,
    departement_code,
    region_code,
    in_territory,
    population,
    census_year,
    active_residents,
    long_commuters,
    share_long_commuters,
    commuters_out_of_epci,
    commuters_to_poles,
    unserved_long_commuters,
    n_tiers_lieux,
    n_coworking,
    tiers_lieux_per_10k,
    share_population_near_tiers_lieu,
    opportunity_score,
    opportunity_rank,
    case when score_status = 'calcule'
         then opportunity_score > 0 and opportunity_rank <= ceil(n_epci_ranked / 4.0) end as is_opportunity_zone,
    {{ long_km }}                                                     as long_commute_km,
    {{ access_km }}                                                   as opportunity_access_km,
    case when score_basis = 'usagers_potentiels'
         then 'Score = usagers potentiels d''un tiers-lieu près de chez eux (actifs allant travailler en voiture à plus de '
              || '{{ var('telework_min_commute_km') }} km à vol d''oiseau, comptés pour la part télétravaillable de leur '
              || 'catégorie socioprofessionnelle ; fichier détail du recensement) / (tiers-lieux de l''EPCI + 1) ; '
         else 'Score = navetteurs domicile-travail à plus de {{ long_km }} km (à vol d''oiseau) / (tiers-lieux de '
              || 'l''EPCI + 1), faute du fichier détail des mobilités ; ' end
    || 'rang 1 = score le plus élevé, parmi les EPCI dont le score est calculé ; zone d''opportunité = quart '
    || 'supérieur de ce classement (score > 0). Score non calculé (ni rang) pour un EPCI sans aucune donnée de '
    || 'mobilité domicile-travail. Distances à vol d''oiseau entre centres de communes : approximation du temps '
    || 'de trajet.' as method,
    {{ sources_note(['mobpro_flows', 'mobpro_detail', 'tierslieux_2019', 'surveys', 'communes_geo', 'populations']) }} as sources,
    -- Added columns: whether the score is computed, and on which flows.
    score_status,
    case when score_status = 'non_calcule' and score_basis = 'usagers_potentiels'
         then 'Non calculé : aucun résident de cet EPCI dans le fichier détail des mobilités.'
         when score_status = 'non_calcule'
         then 'Non calculé : aucune donnée de mobilité domicile-travail pour cet EPCI.'
         when flows_coverage = 'extrait_seuil' and score_basis = 'navetteurs_longs'
         then 'Calculé sur un extrait des flux domicile-travail (plus petit flux publié : '
              || coalesce(cast(cast(flows_threshold_workers as bigint) as varchar) || ' actifs', 'inconnu')
              || ' ; les actifs travaillant dans leur commune ou les petits flux n''y figurent pas) : '
              || 'les longs trajets comptés sont un minimum.'
    end                                                               as score_note,
    n_epci_ranked,
    n_communes_with_flows,
    flows_coverage,
    commuters_in_flows,
    -- Added columns: the demand the score is built on.
    score_basis,
    potential_users,
    potential_users_without_place,
    {{ telework_km }}                                                 as telework_access_km
from ranked
