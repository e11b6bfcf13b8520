-- Estimated funding of the national programmes, one row per funded item: each France Services main
-- site (the antennas have no forfait of their own) and each programme label (dim_programme_label).
-- The estimate applies the programme's published rule (seed ref_programmes):
--   low  = fixed_low_eur  + per_unit_eur x units (students when published, else 0)
--   high = fixed_high_eur + per_unit_eur x units + investment_cap_eur (investment unknown: share x
--          investment is at most the cap)
--   central = (low + high) / 2; where the source publishes the State's amount per structure
--   (Conseillers numériques), that amount is used instead.
-- The amounts are for the programme's period (period_years; null = one-off); the annual estimate is
-- the central amount divided by period_years, null for a one-off amount.
with pr as (select * from {{ ref('ref_programmes') }}),
items as (
    select 'france_services' as programme_code, place_id as item_id, place_name as item_name,
           'france_services' as item_kind, commune_code, cast(null as double) as published_amount_eur,
           cast(null as double) as students
    from {{ ref('dim_place') }} where place_family = 'france_services' and fs_type = 'Principal'
    union all
    select programme_code, label_id, label_name, 'label', commune_code, published_amount_eur, students
    from {{ ref('dim_programme_label') }} where programme_code is not null
),
estimated as (
    select i.*, pr.programme_name, pr.funder_name, pr.rule, pr.period_years, pr.recurring,
           pr.source_name, pr.source_url, pr.source_date,
           case when i.published_amount_eur is not null then i.published_amount_eur
                when pr.fixed_low_eur is not null then
                     pr.fixed_low_eur + coalesce(pr.per_unit_eur, 0) * coalesce(i.students, 0) end  as low,
           case when i.published_amount_eur is not null then i.published_amount_eur
                when pr.fixed_high_eur is not null then
                     pr.fixed_high_eur + coalesce(pr.per_unit_eur, 0) * coalesce(i.students, 0)
                     + coalesce(pr.investment_cap_eur, 0) end                                      as high,
           case when i.published_amount_eur is not null then 'montant publié par structure'
                when pr.fixed_low_eur is not null then 'règle du programme'
                else 'non estimé' end                                                             as estimate_basis
    from items i join pr using (programme_code)
)
select
    e.programme_code,
    e.programme_name,
    e.funder_name,
    e.item_kind,
    e.item_id,
    e.item_name,
    e.commune_code,
    c.epci_code,
    c.canton_code,
    c.departement_code,
    c.region_code,
    e.students,
    e.estimate_basis,
    e.low                                                  as estimated_low_eur,
    (e.low + e.high) / 2                                   as estimated_central_eur,
    e.high                                                 as estimated_high_eur,
    e.period_years,
    (e.low + e.high) / 2 / e.period_years                  as estimated_annual_central_eur,
    e.rule,
    e.source_name,
    e.source_url,
    e.source_date
from estimated e
left join {{ ref('dim_commune') }} c using (commune_code)
