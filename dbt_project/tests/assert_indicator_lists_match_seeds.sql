-- The wide indicator columns are generated from macro lists: they must match the seeds.
{{ config(meta={'label': "colonnes d'indicateurs conformes aux référentiels (seeds des catégories et programmes)"}) }}
with listed_categories as (
    select unnest([{% for c in tiers_lieu_categories() %}'{{ c }}'{% if not loop.last %}, {% endif %}{% endfor %}]) as code
),
listed_programmes as (
    select unnest([{% for p in programmes() %}'{{ p }}'{% if not loop.last %}, {% endif %}{% endfor %}]) as code
),
seed_categories as (select category_code as code from {{ ref('ref_place_categories') }} where place_family = 'tiers_lieu'),
seed_programmes as (select programme_code as code from {{ ref('ref_programmes') }})
select 'categorie ' || code as missing from ((select code from listed_categories except select code from seed_categories)
                                            union all (select code from seed_categories except select code from listed_categories))
union all
select 'programme ' || code from ((select code from listed_programmes except select code from seed_programmes)
                                  union all (select code from seed_programmes except select code from listed_programmes))
