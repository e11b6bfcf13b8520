-- The kinds of place whose nearest distance is computed for every commune (int_nearest_place).
select 'tiers_lieu' as kind, 'Tiers-lieu (tout type)' as kind_label, 'famille' as kind_group, 0 as sort_order
union all
select category_code, category_label, 'categorie', sort_order
from {{ ref('ref_place_categories') }} where in_access
union all
select 'label_' || programme_code, 'Label ' || programme_name, 'label', 100 + row_number() over (order by programme_code)
from {{ ref('ref_programmes') }} where programme_code <> 'france_services'
