-- One row per indicator table: what it measures (in French, for readers), the sources it is computed
-- from and the files and dates of those sources in this publication (meta_sources), the settings
-- used. Readers show it beside every figure.
with defs (mart, family, label_fr, source_names) as (
    values
    ('fct_coverage_territory', 'couverture', 'Lieux par catégorie, France Services, labels de programmes, pour 10 000 habitants ; cantons sans France Services (cantons réels, pseudo-cantons de l''INSEE comptés à part)', ['tierslieux_2019', 'france_services', 'surveys', 'programme_laureates', 'conseillers_numeriques', 'cog_communes', 'populations', 'communes_geo']),
    ('fct_coverage_epci', 'couverture', 'Tiers-lieux et France Services par EPCI, pour 10 000 habitants', ['tierslieux_2019', 'france_services', 'cog_communes', 'populations', 'communes_geo']),
    ('fct_coverage_canton', 'couverture', 'France Services par canton (objectif national : au moins une par canton) ; pseudo-cantons de l''INSEE signalés', ['france_services', 'cog_communes', 'populations']),
    ('fct_access_commune_kind', 'accessibilite', 'Distance à vol d''oiseau du centre de chaque commune au lieu le plus proche de chaque type (approximation du temps de trajet)', ['tierslieux_2019', 'france_services', 'surveys', 'communes_geo']),
    ('fct_access_territory', 'accessibilite', 'Part de la population à moins de {{ var("access_distances_km") | join(", ") }} km à vol d''oiseau d''un lieu de chaque type (approximation du temps de trajet)', ['tierslieux_2019', 'france_services', 'surveys', 'communes_geo', 'populations']),
    ('fct_attendance_territory', 'frequentation', 'Visiteurs par semaine, adhérents, postes de travail, taux de réponse et évolution entre vagues d''enquête', ['surveys', 'tierslieux_2019', 'populations']),
    ('fct_offer_territory_year', 'couverture', 'Tiers-lieux ouverts, en projet et fermés par année d''observation (inventaires, lauréats rapprochés, vagues d''enquête) ; ouvertures et fermetures dans l''année ; un lieu d''un inventaire est compté ouvert l''année de l''inventaire', ['tierslieux_2019', 'listes_lieux', 'programme_laureates', 'surveys', 'cog_communes']),
    ('fct_attendance_wave', 'frequentation', 'Taux de réponse de chaque vague d''enquête', ['surveys', 'tierslieux_2019']),
    ('fct_economic_model_territory', 'modele_economique', 'Chiffre d''affaires (somme, médiane), recettes par activité, financements par financeur, emplois (ETP), surface, postes, capacité, prix médian d''un poste par mois, services publics, accessibilité et statuts juridiques déclarés à l''enquête, chacun avec le nombre de lieux ayant répondu', ['surveys', 'tierslieux_2019']),
    ('fct_programme_funding_place', 'financement', 'Financement estimé des programmes nationaux par lieu, selon les règles publiées (seed ref_programmes)', ['france_services', 'programme_laureates', 'conseillers_numeriques']),
    ('fct_funding_territory', 'financement', 'Subventions publiées versées aux tiers-lieux (cumul des années chargées, indiquées) et financement estimé des programmes, par habitant et par lieu', ['subventions', 'surveys', 'tierslieux_2019', 'france_services', 'programme_laureates', 'conseillers_numeriques', 'populations']),
    ('fct_funding_funder_programme', 'financement', 'Montants par financeur et par programme (subventions publiées par année, et estimations, localisées ou non)', ['subventions', 'france_services', 'programme_laureates', 'conseillers_numeriques']),
    ('fct_funding_funder', 'financement', 'Subventions publiées par financeur et par année (année de la convention, à défaut celle du fichier)', ['subventions']),
    ('fct_commuting_commune', 'mobilite', 'Actifs occupés par lieu de travail : hors commune, hors EPCI, vers les pôles d''emploi, trajets de plus de {{ var("long_commute_km") }} km ; avec un extrait des flux (sans les actifs travaillant dans leur commune ni les petits flux), seuls les flux publiés sont comptés et les parts ne sont pas calculées', ['mobpro_flows', 'cog_communes', 'communes_geo']),
    ('fct_employment_poles', 'mobilite', 'Pôles d''emploi (au moins {{ var("employment_pole_min_jobs") }} emplois et plus d''emplois que d''actifs résidents)', ['mobpro_flows', 'cog_communes', 'communes_geo']),
    ('fct_opportunity_epci', 'opportunite', 'Zones d''opportunité : navetteurs de plus de {{ var("long_commute_km") }} km par tiers-lieu existant (+ 1) ; non calculé pour un EPCI sans donnée de mobilité domicile-travail', ['mobpro_flows', 'tierslieux_2019', 'surveys', 'communes_geo', 'populations'])
)
select
    d.mart,
    d.family,
    d.label_fr,
    array_to_string(d.source_names, ', ')                                          as source_names,
    string_agg(s.source_name || ' : ' || s.file_name || ' (récupéré le ' || left(s.fetched_at, 10) || ')', ' ; '
               order by s.source_name, s.file_name)                               as source_files,
    max(left(s.fetched_at, 10))                                                    as latest_fetched_on,
    bool_or(coalesce(s.stale, false))                                              as any_stale_source,
    '{{ var("access_distances_km") | join(", ") }}'                                 as access_distances_km,
    {{ var('long_commute_km') }}                                                   as long_commute_km,
    {{ var('employment_pole_min_jobs') }}                                          as employment_pole_min_jobs,
    (select max(built_at) from {{ ref('meta_publication') }})                      as built_at
from defs d
left join {{ ref('meta_sources') }} s on list_contains(d.source_names, s.source_name)
group by d.mart, d.family, d.label_fr, d.source_names
