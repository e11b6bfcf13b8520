{#- Small generic tests (no package download needed: dbt deps would need the network). -#}
{% test expression_is_true(model, column_name, expression) %}
select * from {{ model }} where not ({{ column_name }} {{ expression }})
{% endtest %}

{% test unique_combination_of_columns(model, columns) %}
select {{ columns | join(', ') }}, count(*) as n from {{ model }}
group by {{ columns | join(', ') }} having count(*) > 1
{% endtest %}
