{#- Helpers for raw tables whose optional columns (or the table itself) may be absent: the raw layer
    keeps every published column, so a column outside the source's contract exists only when the
    file has it. Outside execution (dbt parse/compile without a database) they behave as if the
    column or table were absent. -#}

{#- The columns of `relation` as a mapping from the lower-case name to the actual name (empty outside
    execution or without relation): read once by a model that looks up many optional columns. -#}
{% macro column_names(relation) -%}
    {%- set names = {} -%}
    {%- if not execute or relation is none -%}{{ return(names) }}{%- endif -%}
    {%- for col in adapter.get_columns_in_relation(relation) -%}
        {%- do names.update({col.name | lower: col.name}) -%}
    {%- endfor -%}
    {{ return(names) }}
{%- endmacro %}

{#- The actual (quoted) name of the first of `candidates` that `relation` has, or none. `columns`: the
    relation's column_names when already read (else they are read here). -#}
{% macro find_column(relation, candidates, columns=none) -%}
    {%- set names = columns if columns is not none else column_names(relation) -%}
    {%- for cand in candidates -%}
        {%- if cand | lower in names -%}{{ return(adapter.quote(names[cand | lower])) }}{%- endif -%}
    {%- endfor -%}
    {{ return(none) }}
{%- endmacro %}

{#- The first of `candidates` present in `relation` as an expression, else a typed null. -#}
{% macro optional_column(relation, candidates, type='varchar', columns=none) -%}
    {%- set col = find_column(relation, candidates if candidates is not string else [candidates], columns) -%}
    {%- if col is none -%}cast(null as {{ type }}){%- else -%}{{ col }}{%- endif -%}
{%- endmacro %}

{#- The raw table `identifier` when it exists in the build database, else none. -#}
{% macro optional_raw_relation(identifier) -%}
    {%- if not execute -%}{{ return(none) }}{%- endif -%}
    {{ return(adapter.get_relation(database=target.database, schema='raw', identifier=identifier)) }}
{%- endmacro %}
