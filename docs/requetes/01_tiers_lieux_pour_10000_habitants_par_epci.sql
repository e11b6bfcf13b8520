-- Tiers-lieux pour 10 000 habitants, par EPCI du territoire de l'observatoire.
-- Population : population municipale INSEE ; tiers-lieux : inventaire national placé dans l'EPCI.
select
    epci_code,
    epci_name,
    population,
    n_tiers_lieux,
    n_coworking,
    n_fablab,
    tiers_lieux_per_10k,
    n_france_services,
    france_services_per_10k
from marts.fct_coverage_epci
where in_territory
order by tiers_lieux_per_10k desc, epci_name
