-- INSEE grille communale de densité (7 levels) as published by ANCT: the label, and its level 1..7.
{%- set rel = optional_raw_relation('grille_densite') %}
{%- set cols = column_names(rel) %}
select
    {{ commune_code(raw_text(rel, ['insee_com', 'codgeo', 'code_insee'], cols)) }}    as published_commune_code,
    {{ raw_text(rel, ['lib_com', 'libgeo'], cols) }}                                  as commune_name,
    {{ raw_text(rel, ['niveau_densite', 'dens7'], cols) }}                            as density_label,
    coalesce(try_cast({{ raw_text(rel, ['niveau_densite', 'dens7'], cols) }} as integer),
             {{ density_level_from_label(raw_text(rel, ['niveau_densite', 'dens7'], cols)) }}) as density_level,
    {{ optional_column(rel, ['_file'], columns=cols) }}                                       as _file,
    {{ optional_column(rel, ['_row'], 'bigint', columns=cols) }}                              as _row
from {{ raw_or_empty('grille_densite') }}
