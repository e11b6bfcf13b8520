{#- Helpers of the commune and place referential (models stg_* of the referential sources, int_commune_*,
    int_place_*, dim_commune, dim_place). -#}

{#- FROM target for an optional raw table: the table when it was loaded, else an empty relation, so that
    every model builds whether or not the source is configured. source() is always called, so dbt (and
    the Dagster asset graph built from its manifest) records the dependency on raw/<name>. Columns must
    then be read with optional_column(optional_raw_relation(name), [...]). -#}
{% macro raw_or_empty(name) -%}
    {%- set src = source('raw', name) -%}
    {%- if optional_raw_relation(name) is not none -%}{{ src }}{%- else -%}(select 1 as _empty where false){%- endif -%}
{%- endmacro %}

{#- Text of a raw column (trimmed, empty -> null), or a typed null when the table or column is absent.
    `columns`: the table's column_names when already read. -#}
{% macro raw_text(rel, candidates, columns=none) -%}
    nullif(trim(cast({{ optional_column(rel, candidates, columns=columns) }} as varchar)), '')
{%- endmacro %}

{#- A JSON array of strings published as text ('["01340", "01018"]') as a list of strings. -#}
{% macro json_string_list(expr) -%}
    coalesce(try_cast(json_extract_string(try_cast({{ expr }} as json), '$[*]') as varchar[]), [])
{%- endmacro %}

{#- A postcode as 5 characters (restores the leading zero lost by numeric exports, 1100 -> 01100). -#}
{% macro postcode(expr) -%}
    case when regexp_full_match(trim(cast({{ expr }} as varchar)), '\d{4,5}') and trim(cast({{ expr }} as varchar)) not in ('0', '00000')
         then lpad(trim(cast({{ expr }} as varchar)), 5, '0') end
{%- endmacro %}

{#- INSEE density grid level (1..7) from its label (grille communale de densité à 7 niveaux). -#}
{% macro density_level_from_label(expr) -%}
    case {{ normalize_name(expr) }}
        when 'GRANDS CENTRES URBAINS' then 1
        when 'CENTRES URBAINS INTERMEDIAIRES' then 2
        when 'PETITES VILLES' then 3
        when 'CEINTURES URBAINES' then 4
        when 'BOURGS RURAUX' then 5
        when 'RURAL A HABITAT DISPERSE' then 6
        when 'RURAL A HABITAT TRES DISPERSE' then 7
    end
{%- endmacro %}

{#- Tokens of a name for matching: normalised (upper case, no accent, no punctuation), without French
    stop words and legal forms. -#}
{% macro name_tokens(expr) -%}
    list_distinct(list_filter(string_split({{ normalize_name(expr) }}, ' '), lambda x: length(x) > 0 and not list_contains(
        ['LE', 'LA', 'LES', 'L', 'D', 'DE', 'DU', 'DES', 'ET', 'EN', 'A', 'AU', 'AUX', 'SUR', 'SOUS', 'ST', 'STE',
         'SAINT', 'SAINTE', 'PAR', 'POUR', 'UN', 'UNE', 'SAS', 'SARL', 'SCIC', 'SCOP', 'ASSOCIATION', 'ASSO'], x)))
{%- endmacro %}

{#- Words that many places of a kind carry ("France services", "tiers-lieu", "coworking", "atelier"...):
    dropped before comparing names, unless a name has nothing else. -#}
{% macro generic_name_words() -%}
    ['FRANCE', 'SERVICES', 'SERVICE', 'TIERS', 'LIEU', 'LIEUX', 'TIERSLIEU', 'ESPACE', 'MAISON', 'CENTRE',
     'ANTENNE', 'BUS', 'ITINERANTE', 'COMMUNE', 'MAIRIE', 'VILLE', 'COWORKING', 'FABLAB', 'LAB', 'FAB', 'ATELIER',
     'ATELIERS', 'CAFE', 'HUB', 'SPACE', 'WORK', 'NUMERIQUE', 'SOCIAL', 'CULTUREL', 'PARTAGE', 'PARTAGES']
{%- endmacro %}

{#- Jaccard similarity of two token lists (0 when either is empty). -#}
{% macro jaccard(a, b) -%}
    case when len({{ a }}) = 0 or len({{ b }}) = 0 then 0.0
         else len(list_intersect({{ a }}, {{ b }})) * 1.0 / len(list_distinct(list_concat({{ a }}, {{ b }}))) end
{%- endmacro %}

{#- Tokens of `a` that have a counterpart in `b`: the same token, or for tokens of 4 characters or more a
    Jaro-Winkler similarity of at least 0.9 and lengths within 2 characters (typos, "ERROR" / "ERREUR"). -#}
{% macro fuzzy_common(a, b) -%}
    len(list_filter({{ a }}, lambda x: len(list_filter({{ b }}, lambda y: x = y or (length(x) >= 4 and length(y) >= 4
        and abs(length(x) - length(y)) <= 2 and jaro_winkler_similarity(x, y) >= 0.9))) > 0))
{%- endmacro %}

{#- Name similarity 0..1 of two token lists: 0.7 x overlap coefficient (common tokens / tokens of the shorter
    name: "Cocotte Minute" is contained in "La Cocotte Minute Coworking et le Réseau Médoc") + 0.3 x Jaccard
    (common tokens / all tokens), with fuzzy token equality; 0 when either name has no token left. -#}
{% macro name_similarity(a, b) -%}
    case when len({{ a }}) = 0 or len({{ b }}) = 0 then 0.0 else
        (0.7 * least({{ fuzzy_common(a, b) }}, {{ fuzzy_common(b, a) }}) / least(len({{ a }}), len({{ b }}))
         + 0.3 * least({{ fuzzy_common(a, b) }}, {{ fuzzy_common(b, a) }})
               / (len({{ a }}) + len({{ b }}) - least({{ fuzzy_common(a, b) }}, {{ fuzzy_common(b, a) }})))
    end
{%- endmacro %}
