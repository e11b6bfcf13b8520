{#- Helpers for raw tables whose optional columns (or the table itself) may be absent: the raw layer
    keeps every published column, so a column outside the source's contract exists only when the
    file has it. Outside execution (dbt parse/compile without a database) they behave as if the
    column or table were absent. -#}

{#- The actual (quoted) name of the first of `candidates` that `relation` has, or none. -#}
{% macro find_column(relation, candidates) -%}
    {%- if not execute or relation is none -%}{{ return(none) }}{%- endif -%}
    {%- set names = {} -%}
    {%- for col in adapter.get_columns_in_relation(relation) -%}
        {%- do names.update({col.name | lower: col.name}) -%}
    {%- endfor -%}
    {%- for cand in candidates -%}
        {%- if cand | lower in names -%}{{ return(adapter.quote(names[cand | lower])) }}{%- endif -%}
    {%- endfor -%}
    {{ return(none) }}
{%- endmacro %}

{#- The first of `candidates` present in `relation` as an expression, else a typed null. -#}
{% macro optional_column(relation, candidates, type='varchar') -%}
    {%- set col = find_column(relation, candidates if candidates is not string else [candidates]) -%}
    {%- if col is none -%}cast(null as {{ type }}){%- else -%}{{ col }}{%- endif -%}
{%- endmacro %}

{#- The raw table `identifier` when it exists in the build database, else none. -#}
{% macro optional_raw_relation(identifier) -%}
    {%- if not execute -%}{{ return(none) }}{%- endif -%}
    {{ return(adapter.get_relation(database=target.database, schema='raw', identifier=identifier)) }}
{%- endmacro %}
