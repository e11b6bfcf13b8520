{%- set raw = source('raw', 'surveys') -%}
select
    cast(annee as integer)                         as wave_year,
    nullif(trim(identifiant_lieu), '')             as place_ref,
    trim(nom_lieu)                                 as place_name,
    nullif(trim(siret), '')                        as siret,
    {{ commune_code('code_commune') }}             as commune_code,
    nullif(trim(type_lieu), '')                    as place_type,
    {{ to_double('surface_m2') }}                  as surface_m2,
    try_cast(postes_travail as integer)            as desks,
    try_cast(adherents as integer)                 as members,
    try_cast(visiteurs_semaine as integer)         as visitors_per_week,
    try_cast(evenements_an as integer)             as events_per_year,
    {{ to_double('etp') }}                         as staff_fte,
    {{ to_double('chiffre_affaires_eur') }}        as revenue_eur,
    {{ to_double('part_financement_public_pct') }} as public_funding_share_pct,
    -- In the questionnaire but outside the contract: null when the file lacks the column.
    {{ to_double(optional_column(raw, ['heures_ouverture_semaine'])) }} as opening_hours_per_week,
    _file, _sha256, _row
from {{ raw }}
