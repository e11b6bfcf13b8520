-- Economic model and jobs of the tiers-lieux per survey wave and territory (every level; communes only
-- where places answered): revenue (sum, median), revenue by activity (sums and shares of the answered
-- total), funding mix by funder (weighted by the places' revenue), jobs (ETP), surface, desks, capacity,
-- median price of a desk per month, places hosting a public service, places accessible to people with
-- reduced mobility and legal forms. Every figure comes with n_places_<figure>: the answers behind it.
-- The answers are those of fct_attendance_place (one per place and wave, in the commune dim_place knows
-- the place in, places only known from the survey included); the economic columns come from the same
-- answer in int_survey_matches.
{%- set activities = ['location', 'evenements', 'formation', 'services', 'subventions'] %}
{%- set funders = ['etat', 'region', 'departement', 'epci', 'commune', 'europe', 'autre'] %}
{%- set legal_forms = [('association', 'association'), ('scic', 'SCIC'), ('scop', 'SCOP'), ('sas', 'SAS'),
                       ('sarl', 'SARL'), ('entreprise_individuelle', 'entreprise individuelle'),
                       ('collectivite', 'collectivité'), ('etablissement_public', 'établissement public'),
                       ('autre', 'autre')] %}
{%- set public_services = ['France Services', 'conseiller numérique', 'espace public numérique'] %}
with answers as (
    select
        a.wave_year, a.commune_code, a.revenue_eur, a.staff_fte, a.surface_m2, a.desks,
        m.capacity_persons, m.desk_price_month_eur, m.pmr_accessibility, m.legal_status, m.services,
        m.public_funding_share_pct,
        {%- for f in funders %}
        m.funding_share_{{ f }}_pct,
        {%- endfor %}
        {%- for x in activities %}
        m.revenue_{{ x }}_eur,
        {%- endfor %}
        -- funder shares only count where the place gave at least one of them, weighted by its revenue
        a.revenue_eur > 0 and coalesce({% for f in funders %}m.funding_share_{{ f }}_pct{% if not loop.last %}, {% endif %}{% endfor %}) is not null
            as has_funding_mix,
        coalesce({% for x in activities %}m.revenue_{{ x }}_eur{% if not loop.last %}, {% endif %}{% endfor %}) is not null
            as has_revenue_by_activity,
        len(list_intersect(string_split(m.services, ';'), {{ public_services }})) > 0 as hosts_public_service
    from {{ ref('fct_attendance_place') }} a
    join {{ ref('int_survey_matches') }} m on m._file = a.source_file and m._row = a.source_row
),
agg as (
    select
        x.wave_year, b.territory_level, b.territory_code,
        count(*)                                                         as n_answers,
        count(x.revenue_eur)                                             as n_places_revenue,
        sum(x.revenue_eur)                                               as revenue_eur_sum,
        median(x.revenue_eur)                                            as revenue_eur_median,
        count(*) filter (where x.has_revenue_by_activity)                as n_places_revenue_by_activity,
        {%- for a in activities %}
        sum(coalesce(x.revenue_{{ a }}_eur, 0)) filter (where x.has_revenue_by_activity) as revenue_{{ a }}_eur,
        {%- endfor %}
        sum({% for a in activities %}coalesce(x.revenue_{{ a }}_eur, 0){% if not loop.last %} + {% endif %}{% endfor %})
            filter (where x.has_revenue_by_activity)                     as revenue_by_activity_eur,
        count(*) filter (where x.has_funding_mix)                        as n_places_funding_mix,
        sum(x.revenue_eur) filter (where x.has_funding_mix)              as funding_mix_revenue_eur,
        {%- for f in funders %}
        sum(x.revenue_eur * coalesce(x.funding_share_{{ f }}_pct, 0)) filter (where x.has_funding_mix) as funding_{{ f }}_weighted,
        {%- endfor %}
        count(*) filter (where x.revenue_eur > 0 and x.public_funding_share_pct is not null) as n_places_public_funding,
        {{ ratio('sum(x.revenue_eur * x.public_funding_share_pct) filter (where x.revenue_eur > 0)',
                 'sum(x.revenue_eur) filter (where x.revenue_eur > 0 and x.public_funding_share_pct is not null)') }}
                                                                         as public_funding_share_pct,
        count(x.staff_fte)                                               as n_places_fte,
        sum(x.staff_fte)                                                 as staff_fte_sum,
        count(x.surface_m2)                                              as n_places_surface,
        sum(x.surface_m2)                                                as surface_m2_sum,
        count(x.desks)                                                   as n_places_desks,
        sum(x.desks)                                                     as desks_sum,
        count(x.capacity_persons)                                        as n_places_capacity,
        sum(x.capacity_persons)                                          as capacity_persons_sum,
        count(x.desk_price_month_eur)                                    as n_places_desk_price,
        median(x.desk_price_month_eur)                                   as desk_price_month_eur_median,
        count(x.services)                                                as n_places_services,
        count(*) filter (where x.hosts_public_service)                   as n_places_public_service,
        count(*) filter (where list_contains(string_split(x.services, ';'), 'France Services')) as n_places_france_services,
        count(x.pmr_accessibility)                                       as n_places_accessibility,
        count(*) filter (where x.pmr_accessibility = 'oui')              as n_places_pmr_accessible,
        count(*) filter (where x.pmr_accessibility = 'partielle')        as n_places_pmr_partial,
        count(x.legal_status)                                            as n_places_legal_status,
        {%- for code, label in legal_forms %}
        count(*) filter (where x.legal_status = '{{ label }}')           as n_places_status_{{ code }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    from answers x join {{ ref('int_commune_territory') }} b using (commune_code)
    group by all
),
waves as (select distinct wave_year from answers),
grid as (
    select w.wave_year, t.territory_level, t.territory_code
    from waves w cross join {{ ref('dim_territory') }} t where t.territory_level <> 'commune'
    union
    select wave_year, territory_level, territory_code from agg
)
select
    g.wave_year,
    g.wave_year = (select max(wave_year) from waves)                      as is_latest_wave,
    g.territory_level,
    g.territory_code,
    t.territory_name,
    t.departement_code,
    t.region_code,
    t.in_territory,
    coalesce(a.n_answers, 0)                                              as n_answers,
    coalesce(a.n_places_revenue, 0)                                       as n_places_revenue,
    a.revenue_eur_sum,
    a.revenue_eur_median,
    coalesce(a.n_places_revenue_by_activity, 0)                           as n_places_revenue_by_activity,
    a.revenue_by_activity_eur,
    {%- for x in activities %}
    a.revenue_{{ x }}_eur,
    {%- endfor %}
    {%- for x in activities %}
    {{ ratio('a.revenue_' ~ x ~ '_eur', 'a.revenue_by_activity_eur') }} as share_revenue_{{ x }},
    {%- endfor %}
    coalesce(a.n_places_funding_mix, 0)                                   as n_places_funding_mix,
    {%- for f in funders %}
    {{ ratio('a.funding_' ~ f ~ '_weighted', 'a.funding_mix_revenue_eur') }} as funding_share_{{ f }}_pct,
    {%- endfor %}
    coalesce(a.n_places_public_funding, 0)                                as n_places_public_funding,
    a.public_funding_share_pct,
    coalesce(a.n_places_fte, 0)                                           as n_places_fte,
    a.staff_fte_sum,
    coalesce(a.n_places_surface, 0)                                       as n_places_surface,
    a.surface_m2_sum,
    coalesce(a.n_places_desks, 0)                                         as n_places_desks,
    a.desks_sum,
    coalesce(a.n_places_capacity, 0)                                      as n_places_capacity,
    a.capacity_persons_sum,
    coalesce(a.n_places_desk_price, 0)                                    as n_places_desk_price,
    a.desk_price_month_eur_median,
    coalesce(a.n_places_services, 0)                                      as n_places_services,
    coalesce(a.n_places_public_service, 0)                                as n_places_public_service,
    coalesce(a.n_places_france_services, 0)                               as n_places_france_services,
    coalesce(a.n_places_accessibility, 0)                                 as n_places_accessibility,
    coalesce(a.n_places_pmr_accessible, 0)                                as n_places_pmr_accessible,
    coalesce(a.n_places_pmr_partial, 0)                                   as n_places_pmr_partial,
    coalesce(a.n_places_legal_status, 0)                                  as n_places_legal_status,
    {%- for code, label in legal_forms %}
    coalesce(a.n_places_status_{{ code }}, 0)                             as n_places_status_{{ code }},
    {%- endfor %}
    {{ sources_note(['surveys']) }}                                       as sources
from grid g
join {{ ref('dim_territory') }} t using (territory_level, territory_code)
left join agg a using (wave_year, territory_level, territory_code)
