{#- Lists that shape the wide indicator tables. They must match the seeds (ref_place_categories,
    ref_programmes): the singular test assert_indicator_lists_match_seeds checks it. -#}

{#- Tiers-lieux categories (seed ref_place_categories, place_family = tiers_lieu). -#}
{% macro tiers_lieu_categories() -%}
    {{ return(['coworking', 'fablab_makerspace', 'atelier_partage', 'culturel', 'social', 'autre', 'non_renseigne']) }}
{%- endmacro %}

{#- Programmes (seed ref_programmes). -#}
{% macro programmes() -%}
    {{ return(['france_services', 'fabrique_territoire', 'fabrique_numerique', 'campus_connecte', 'micro_folie',
               'conseiller_numerique', 'manufacture_proximite', 'petite_ville_demain']) }}
{%- endmacro %}

{#- Territory levels, from the finest to the coarsest. -#}
{% macro territory_levels() -%}
    {{ return(['commune', 'canton', 'epci', 'departement', 'region', 'national']) }}
{%- endmacro %}

{#- A SQL list literal of numbers, e.g. [5.0, 10.0, 20.0]::double[] from a dbt var. -#}
{% macro double_list(values) -%}
    [{% for x in values %}{{ x }}{% if not loop.last %}, {% endif %}{% endfor %}]::double[]
{%- endmacro %}

{#- Provenance of a figure: "<source> : <file> (<date>)" for each source name, from meta_sources. -#}
{% macro sources_note(source_names) -%}
    (select string_agg(source_name || ' : ' || file_name || ' (récupéré le ' || left(fetched_at, 10) || ')', ' ; '
                       order by source_name, file_name)
     from {{ ref('meta_sources') }}
     where source_name in ({% for s in source_names %}'{{ s }}'{% if not loop.last %}, {% endif %}{% endfor %}))
{%- endmacro %}

{#- x / y, null when y is 0 or null. -#}
{% macro ratio(x, y, factor=1) -%}
    ({{ x }}) * {{ factor }}.0 / nullif({{ y }}, 0)
{%- endmacro %}
