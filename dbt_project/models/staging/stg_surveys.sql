{#- One row per survey answer kept by the importer (ingest/surveys/importer.py: values already cleaned
    and validated, see docs/enquete_schema.md). Columns outside the minimal contract are read when the
    raw table has them (a table loaded by the plain contract loader lacks them: null). -#}
{%- set raw = source('raw', 'surveys') -%}
{#- Its columns, read once for the many optional ones. -#}
{%- set raw_columns = column_names(raw) -%}
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
    {{ to_double(optional_column(raw, ['heures_ouverture_semaine'], columns=raw_columns)) }} as opening_hours_per_week,
    _file, _sha256, _row,
    -- Added with the survey schema (ingest/surveys/schema.py).
    nullif(trim({{ optional_column(raw, ['adresse'], columns=raw_columns) }}), '')          as address,
    nullif(trim({{ optional_column(raw, ['code_postal'], columns=raw_columns) }}), '')      as postcode,
    nullif(trim({{ optional_column(raw, ['commune'], columns=raw_columns) }}), '')          as commune_name,
    {{ to_double(optional_column(raw, ['latitude'], columns=raw_columns)) }}                as latitude,
    {{ to_double(optional_column(raw, ['longitude'], columns=raw_columns)) }}               as longitude,
    try_cast({{ optional_column(raw, ['annee_ouverture'], columns=raw_columns) }} as integer) as opening_year,
    -- The status the place declares (questionnaire: ouvert / en projet / fermé, synonyms mapped by the importer;
    -- null when the file has no such column or the answer left it blank), as a code: ouvert, en_projet, ferme.
    case lower(strip_accents(trim({{ optional_column(raw, ['statut_lieu'], columns=raw_columns) }})))
         when 'ouvert' then 'ouvert' when 'en projet' then 'en_projet' when 'ferme' then 'ferme' end as declared_status,
    nullif(trim({{ optional_column(raw, ['statut_juridique'], columns=raw_columns) }}), '') as legal_status,
    nullif(trim({{ optional_column(raw, ['types_activite'], columns=raw_columns) }}), '')   as activity_types,
    nullif(trim({{ optional_column(raw, ['services'], columns=raw_columns) }}), '')         as services,
    coalesce(list_contains(string_split({{ optional_column(raw, ['services'], columns=raw_columns) }}, ';'), 'France Services'), false) as offers_france_services,
    coalesce(list_contains(string_split({{ optional_column(raw, ['services'], columns=raw_columns) }}, ';'), 'médiation numérique')
             or list_contains(string_split({{ optional_column(raw, ['services'], columns=raw_columns) }}, ';'), 'conseiller numérique'), false)
                                                    as offers_digital_mediation,
    {%- for funder in ['etat', 'region', 'departement', 'epci', 'commune', 'europe', 'autre'] %}
    {{ to_double(optional_column(raw, ['part_' ~ funder ~ '_pct'], columns=raw_columns)) }} as funding_share_{{ funder }}_pct,
    {%- endfor %}
    _line,
    -- The economic model (issue 23): null when the file lacks the column.
    try_cast({{ optional_column(raw, ['capacite_accueil'], columns=raw_columns) }} as integer)   as capacity_persons,
    nullif(trim({{ optional_column(raw, ['accessibilite_pmr'], columns=raw_columns) }}), '')   as pmr_accessibility,
    nullif(trim({{ optional_column(raw, ['publics'], columns=raw_columns) }}), '')             as publics,
    {{ to_double(optional_column(raw, ['prix_poste_mois_eur'], columns=raw_columns)) }}        as desk_price_month_eur,
    {%- for activity in ['location', 'evenements', 'formation', 'services', 'subventions'] %}
    {{ to_double(optional_column(raw, ['recettes_' ~ activity ~ '_eur'], columns=raw_columns)) }} as revenue_{{ activity }}_eur{% if not loop.last %},{% endif %}
    {%- endfor %}
from {{ raw }}
