-- Offer per territory at every level (commune, canton, EPCI, département, région, national): places
-- by category (dim_place.place_category), France Services sites and antennas, programme labels, per
-- 10,000 inhabitants (population municipale), cantons without a France Services (national goal: at
-- least one per canton), and the same rates for the région and the nation, for comparison.
-- Cantons without France Services: the headline figure is n_real_cantons_without_france_services, over
-- the real cantons only (canton_status = 'canton' in dim_commune / fct_coverage_canton); the INSEE
-- pseudo-cantons (codes ending 90-99, one per town split between several cantons) are counted apart
-- (n_pseudo_cantons*, n_communes_in_pseudo_cantons; communes without canton: n_communes_without_canton)
-- and the French sentence
-- cantons_without_france_services_fr says so. n_cantons and n_cantons_without_france_services count every
-- canton code, pseudo-cantons included (kept for the existing readers: not a headline figure).
{#- An integer in French (narrow no-break space between thousands), for the headline sentence. #}
{%- set fr_int = "replace(format('{:,}', X), ',', ' ')" %}
{%- set cats = tiers_lieu_categories() %}
{%- set progs = programmes() %}
with b as (select * from {{ ref('int_commune_territory') }}),
t as (select * from {{ ref('dim_territory') }}),
place_counts as (
    select b.territory_level, b.territory_code,
           count(*) filter (where p.place_family = 'tiers_lieu')                                 as n_tiers_lieux,
           {%- for cat in cats %}
           count(*) filter (where p.place_family = 'tiers_lieu' and p.place_category = '{{ cat }}') as n_{{ cat }},
           {%- endfor %}
           count(*) filter (where p.place_family = 'france_services')                            as n_france_services,
           count(*) filter (where p.place_family = 'france_services' and p.fs_type = 'Principal') as n_france_services_principal,
           count(*) filter (where p.place_family = 'france_services' and p.fs_type = 'Antenne')   as n_france_services_antenne,
           count(*) filter (where p.place_family = 'france_services' and p.fs_type is null)       as n_france_services_type_non_renseigne,
           count(*) filter (where p.place_family = 'france_services' and p.fs_itinerant)          as n_france_services_itinerant,
           count(*) filter (where p.place_family = 'france_services' and p.fs_itinerant is null)  as n_france_services_itinerance_non_renseignee
    from {{ ref('dim_place') }} p join b using (commune_code)
    group by b.territory_level, b.territory_code
),
-- Programmes with at least one label loaded: the others' counts are null ("non disponible"), never 0.
loaded_programmes as (select distinct programme_code from {{ ref('dim_programme_label') }} where programme_code is not null),
label_counts as (
    select b.territory_level, b.territory_code,
           count(*) as n_labels,
           {%- for prog in progs if prog != 'france_services' %}
           count(*) filter (where l.programme_code = '{{ prog }}') as n_label_{{ prog }}{% if not loop.last %},{% endif %}
           {%- endfor %}
    from {{ ref('dim_programme_label') }} l join b using (commune_code)
    group by b.territory_level, b.territory_code
),
local_places as (
    select b.territory_level, b.territory_code, count(distinct a.place_key) as n_local
    from {{ ref('fct_attendance_place') }} a join b using (commune_code)
    where a.place_id is null
    group by b.territory_level, b.territory_code
),
canton_counts as (
    select x.territory_level, x.territory_code,
           count(*)                                                            as n_cantons,
           count(*) filter (where not k.has_france_services)                   as n_cantons_without_fs,
           count(*) filter (where not k.has_france_services and not k.is_pseudo_canton) as n_ordinary_without_fs,
           count(*) filter (where k.canton_status = 'canton')                  as n_real_cantons,
           count(*) filter (where k.canton_status = 'canton' and not k.has_france_services) as n_real_without_fs,
           count(*) filter (where k.canton_status = 'pseudo_canton')           as n_pseudo_cantons,
           count(*) filter (where k.canton_status = 'pseudo_canton' and not k.has_france_services) as n_pseudo_without_fs
    from (select distinct b.territory_level, b.territory_code, c.canton_code
          from b join {{ ref('dim_commune') }} c using (commune_code)
          where b.territory_level in ('canton', 'departement', 'region', 'national') and c.canton_code is not null) x
    join {{ ref('fct_coverage_canton') }} k using (canton_code)
    group by x.territory_level, x.territory_code
),
canton_communes as (
    select b.territory_level, b.territory_code,
           count(*) filter (where c.canton_status = 'pseudo_canton') as n_communes_in_pseudo_cantons,
           count(*) filter (where c.canton_status = 'sans_canton')   as n_communes_without_canton
    from b join {{ ref('dim_commune') }} c using (commune_code)
    where b.territory_level in ('canton', 'departement', 'region', 'national')
    group by b.territory_level, b.territory_code
),
base as (
    select
        t.territory_level, t.territory_code, t.territory_name, t.level_rank, t.departement_code, t.region_code,
        t.in_territory, t.n_communes, t.population,
        coalesce(p.n_tiers_lieux, 0)                                  as n_tiers_lieux,
        {%- for cat in cats %}
        coalesce(p.n_{{ cat }}, 0)                                    as n_{{ cat }},
        {%- endfor %}
        coalesce(lp.n_local, 0)                                       as n_tiers_lieux_enquete_seulement,
        coalesce(p.n_france_services, 0)                              as n_france_services,
        coalesce(p.n_france_services_principal, 0)                    as n_france_services_principal,
        coalesce(p.n_france_services_antenne, 0)                      as n_france_services_antenne,
        coalesce(p.n_france_services_type_non_renseigne, 0)           as n_france_services_type_non_renseigne,
        coalesce(p.n_france_services_itinerant, 0)                    as n_france_services_itinerant,
        coalesce(p.n_france_services_itinerance_non_renseignee, 0)    as n_france_services_itinerance_non_renseignee,
        coalesce(l.n_labels, 0)                                       as n_labels,
        {%- for prog in progs if prog != 'france_services' %}
        case when '{{ prog }}' in (select programme_code from loaded_programmes) then coalesce(l.n_label_{{ prog }}, 0)
        end                                                           as n_label_{{ prog }},
        {%- endfor %}
        cc.n_cantons,
        cc.n_cantons_without_fs                                       as n_cantons_without_france_services,
        cc.n_ordinary_without_fs                                      as n_ordinary_cantons_without_france_services,
        -- Real cantons and pseudo-cantons apart: 0 (not null) at the levels made of cantons.
        {%- for col, expr in [('n_real_cantons', 'cc.n_real_cantons'),
                              ('n_real_cantons_without_france_services', 'cc.n_real_without_fs'),
                              ('n_pseudo_cantons', 'cc.n_pseudo_cantons'),
                              ('n_pseudo_cantons_without_france_services', 'cc.n_pseudo_without_fs'),
                              ('n_communes_in_pseudo_cantons', 'pc.n_communes_in_pseudo_cantons'),
                              ('n_communes_without_canton', 'pc.n_communes_without_canton')] %}
        case when t.territory_level in ('canton', 'departement', 'region', 'national')
             then coalesce({{ expr }}, 0) end                         as {{ col }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    from t
    left join place_counts p using (territory_level, territory_code)
    left join label_counts l using (territory_level, territory_code)
    left join local_places lp using (territory_level, territory_code)
    left join canton_counts cc using (territory_level, territory_code)
    left join canton_communes pc using (territory_level, territory_code)
),
rates as (
    select *,
        {{ ratio('n_tiers_lieux', 'population', 10000) }}             as tiers_lieux_per_10k,
        {%- for cat in cats if cat not in ('autre', 'non_renseigne') %}
        {{ ratio('n_' ~ cat, 'population', 10000) }}                  as {{ cat }}_per_10k,
        {%- endfor %}
        {{ ratio('n_france_services', 'population', 10000) }}         as france_services_per_10k,
        {{ ratio('n_france_services_principal', 'population', 10000) }} as france_services_principal_per_10k
    from base
)
select
    r.*,
    reg.tiers_lieux_per_10k                   as region_tiers_lieux_per_10k,
    nat.tiers_lieux_per_10k                   as national_tiers_lieux_per_10k,
    reg.france_services_per_10k               as region_france_services_per_10k,
    nat.france_services_per_10k               as national_france_services_per_10k,
    {{ sources_note(['tierslieux_2019', 'france_services', 'surveys', 'programme_laureates', 'conseillers_numeriques',
                     'cog_communes', 'populations', 'communes_geo']) }}
                                              as sources,
    -- The headline count of cantons without France Services, in French (départements, régions, national):
    -- real cantons only; pseudo-cantons and communes without canton said apart.
    case when r.territory_level in ('departement', 'region', 'national') then
        case when r.n_real_cantons = 0 then 'aucun canton'
             when r.n_real_cantons_without_france_services = 0 then 'aucun canton sans France Services sur '
                  || {{ fr_int | replace('X', 'r.n_real_cantons') }}
             when r.n_real_cantons_without_france_services = 1 then '1 canton sans France Services sur '
                  || {{ fr_int | replace('X', 'r.n_real_cantons') }}
             else {{ fr_int | replace('X', 'r.n_real_cantons_without_france_services') }}
                  || ' cantons sans France Services sur ' || {{ fr_int | replace('X', 'r.n_real_cantons') }} end
        || case when r.n_pseudo_cantons > 0 then
               ' ; pseudo-cantons comptés à part : '
               || case when r.n_pseudo_cantons_without_france_services = 0 then 'aucun'
                       else {{ fr_int | replace('X', 'r.n_pseudo_cantons_without_france_services') }} end
               || ' sans France Services sur ' || {{ fr_int | replace('X', 'r.n_pseudo_cantons') }}
               || ' (' || {{ fr_int | replace('X', 'r.n_communes_in_pseudo_cantons') }}
               || case when r.n_communes_in_pseudo_cantons > 1 then ' communes partagées' else ' commune partagée' end
               || ' entre plusieurs cantons)'
           else '' end
        || case when r.n_communes_without_canton > 0 then
               ' ; ' || {{ fr_int | replace('X', 'r.n_communes_without_canton') }}
               || case when r.n_communes_without_canton > 1 then ' communes sans canton' else ' commune sans canton' end
               || ' hors décompte'
           else '' end
    end                                       as cantons_without_france_services_fr
from rates r
left join rates reg on reg.territory_level = 'region' and reg.territory_code = r.region_code
left join rates nat on nat.territory_level = 'national'
