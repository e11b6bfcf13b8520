-- Main destination employment poles per territory at every level (the Mobilités page's « Principaux
-- pôles d'emploi de destination »): for each territory and pole, the workers of the territory's communes
-- whose main pole it is (fct_commuting_commune.main_pole_workers: the workers of a commune going to its
-- main pole), summed over those communes.
select
    b.territory_level,
    b.territory_code,
    m.main_pole_code,
    any_value(m.main_pole_name)   as main_pole_name,
    count(*)                      as n_communes,
    sum(m.main_pole_workers)      as main_pole_workers
from {{ ref('fct_commuting_commune') }} m
join {{ ref('int_commune_territory') }} b using (commune_code)
where m.main_pole_name is not null
group by b.territory_level, b.territory_code, m.main_pole_code
