-- Telework potential of each commune's residents, for every scenario (access distance x days a week).
-- Method (also in the column method):
--   workers              = residents in work of the census detail file (sum of the weights IPONDI);
--   teleworkable_workers = each resident counted for the teleworkable share of his occupation (CS1, seed
--                          ref_telework_occupations, from a published study named there);
--   potential_users      = teleworkable workers who drive to work (TRANS in var telework_car_modes) strictly
--                          beyond var telework_min_commute_km (straight line between commune centres);
--   near a place         = the commune's nearest tiers-lieu (fct_access_commune) within access_km of its centre:
--                          all its potential users are "near a place", else "without a place";
--   scenario             = each potential user near a place works days_per_week days a week in that tiers-lieu
--                          for var telework_weeks_per_year weeks: each day avoids a round trip of
--                          2 x (commute - distance to the tiers-lieu) km, at the mode's emission factor (seed
--                          ref_transport_modes, ADEME Base Carbone).
-- Empty when the detail file is not loaded. Distances are straight-line: a proxy for the road distance.
{%- set weeks = var('telework_weeks_per_year') %}
with f as (select * from {{ ref('int_telework_flows') }} where residence_in_referential),
per_commune as (
    select
        residence_commune_code                                                      as commune_code,
        max(census_year)                                                            as census_year,
        sum(workers)                                                                as workers,
        sum(teleworkable_workers)                                                   as teleworkable_workers,
        coalesce(sum(workers) filter (where is_car_mode), 0)                        as car_commuters,
        coalesce(sum(workers) filter (where is_potential_user), 0)                  as long_car_commuters,
        coalesce(sum(teleworkable_workers) filter (where is_potential_user), 0)     as potential_users,
        coalesce(sum(teleworkable_workers * commute_km) filter (where is_potential_user), 0) as potential_user_commute_km,
        coalesce(sum(teleworkable_workers * emission_kg_co2e_per_km) filter (where is_potential_user), 0) as potential_user_kg_per_km,
        coalesce(sum(teleworkable_workers * commute_km * emission_kg_co2e_per_km) filter (where is_potential_user), 0)
                                                                                    as potential_user_commute_kg
    from f
    group by residence_commune_code
),
scenarios as (
    select unnest({{ double_list(var('telework_access_distances_km')) }}) as access_km
),
days as (
    select unnest([{% for d in var('telework_days_per_week') %}{{ d }}{% if not loop.last %}, {% endif %}{% endfor %}]) as days_per_week
),
c as (
    select d.commune_code, d.commune_name, d.epci_code, d.departement_code, d.region_code, d.in_territory,
           a.nearest_tiers_lieu_km
    from {{ ref('dim_commune') }} d
    left join {{ ref('fct_access_commune') }} a using (commune_code)
),
joined as (
    select c.*, p.*  exclude (commune_code), s.access_km, dd.days_per_week,
           coalesce(c.nearest_tiers_lieu_km <= s.access_km, false) as has_tiers_lieu_within_access
    from per_commune p
    join c using (commune_code)
    cross join scenarios s
    cross join days dd
)
select
    commune_code,
    commune_name,
    epci_code,
    departement_code,
    region_code,
    in_territory,
    census_year,
    access_km,
    days_per_week,
    workers,
    teleworkable_workers,
    {{ ratio('teleworkable_workers', 'workers') }}                                 as share_teleworkable,
    car_commuters,
    long_car_commuters,
    potential_users,
    nearest_tiers_lieu_km,
    has_tiers_lieu_within_access,
    case when has_tiers_lieu_within_access then potential_users else 0 end          as potential_users_near_place,
    case when has_tiers_lieu_within_access then 0 else potential_users end          as potential_users_without_place,
    case when has_tiers_lieu_within_access
         then 2 * (potential_user_commute_km - nearest_tiers_lieu_km * potential_users) * days_per_week * {{ weeks }}
         else 0 end                                                                 as km_avoided_per_year,
    case when has_tiers_lieu_within_access
         then 2 * (potential_user_commute_kg - nearest_tiers_lieu_km * potential_user_kg_per_km) * days_per_week
              * {{ weeks }} / 1000
         else 0 end                                                                 as co2_avoided_t_per_year,
    {{ var('telework_min_commute_km') }}                                            as min_commute_km,
    {{ weeks }}                                                                     as weeks_per_year,
    'Actifs résidents du fichier détail du recensement (somme des poids) ; télétravaillables : chaque actif compté '
    || 'pour la part télétravaillable de sa catégorie socioprofessionnelle (étude citée dans la table '
    || 'ref_telework_occupations) ; usagers potentiels : télétravaillables allant travailler en voiture à plus de '
    || '{{ var('telework_min_commute_km') }} km (à vol d''oiseau) ; « près d''un tiers-lieu » : tiers-lieu le plus '
    || 'proche du centre de la commune à moins de access_km ; scénario : days_per_week jours par semaine au '
    || 'tiers-lieu pendant {{ weeks }} semaines, chaque jour évitant un aller-retour de (trajet - distance au '
    || 'tiers-lieu) km ; CO2 : facteur d''émission du mode (ADEME, Base Carbone). Distances à vol d''oiseau : '
    || 'approximation des distances routières.'                                   as method,
    {{ sources_note(['mobpro_detail', 'tierslieux_2019', 'communes_geo']) }}        as sources
from joined
