-- ANCT typologie des ruralités: values are published with a leading space (trimmed here). Two
-- pseudo-classes are kept as published: "Hors champ : DOM ou commune urbaine" and "Commune dont le
-- périmètre a changé depuis la réalisation de la typologie".
{%- set rel = optional_raw_relation('typologie_ruralite') %}
{%- set cols = column_names(rel) %}
select
    {{ commune_code(raw_text(rel, ['insee_com', 'codgeo', 'code_insee'], cols)) }}    as published_commune_code,
    {{ raw_text(rel, ['lib_com', 'libgeo'], cols) }}                                  as commune_name,
    {{ raw_text(rel, ['niveau_ruralite'], cols) }}                                    as rurality_type,
    {{ optional_column(rel, ['_file'], columns=cols) }}                                       as _file,
    {{ optional_column(rel, ['_row'], 'bigint', columns=cols) }}                              as _row
from {{ raw_or_empty('typologie_ruralite') }}
