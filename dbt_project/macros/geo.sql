{#- Great-circle (haversine) distance in km between two points given in decimal degrees.
    A straight-line distance: a proxy for travel time, never a travel time. -#}
{% macro haversine_km(lat1, lon1, lat2, lon2) -%}
    (2 * 6371.0 * asin(least(1.0, sqrt(
        power(sin(radians(({{ lat2 }}) - ({{ lat1 }})) / 2), 2)
        + cos(radians({{ lat1 }})) * cos(radians({{ lat2 }}))
        * power(sin(radians(({{ lon2 }}) - ({{ lon1 }})) / 2), 2)))))
{%- endmacro %}

{#- True when the point (lat, lon) lies outside the département whose row of int_departement_extent is
    aliased `extent` (further from its median point than its threshold); null without a point. -#}
{% macro outside_departement(lat, lon, extent='e') -%}
    ({{ haversine_km(lat, lon, extent ~ '.ref_latitude', extent ~ '.ref_longitude') }} > {{ extent }}.max_departement_km)
{%- endmacro %}

{#- Upper case, accents stripped, punctuation to spaces, spaces collapsed: for matching names across sources. -#}
{% macro normalize_name(expr) -%}
    trim(regexp_replace(upper(strip_accents(coalesce({{ expr }}, ''))), '[^A-Z0-9]+', ' ', 'g'))
{%- endmacro %}

{#- A decimal published with a comma or a point. -#}
{% macro to_double(expr) -%}
    try_cast(replace(trim({{ expr }}), ',', '.') as double)
{%- endmacro %}

{#- An INSEE commune code as a 5-character string (restores a leading zero lost by a spreadsheet). -#}
{% macro commune_code(expr) -%}
    case when regexp_full_match(trim({{ expr }}), '\d{4}') then '0' || trim({{ expr }})
         else nullif(upper(trim({{ expr }})), '') end
{%- endmacro %}

{#- The commune codes written between brackets in a text listing communes, as the ANCT laureate files pack
    them in `liste_geo` ("Bouillante (97106)", "A (01001), B (2A004)", "A (01001); B (01002)"): a list of
    5-character strings, empty when no code can be read (the contract rejects such a row). -#}
{% macro liste_geo_codes(expr) -%}
    regexp_extract_all(coalesce({{ expr }}, ''), '\((\d{5}|2[AB]\d{3})\)\s*(?:[,;]|$)', 1)
{%- endmacro %}

{#- The commune names of the same text, in the same order as liste_geo_codes. -#}
{% macro liste_geo_names(expr) -%}
    regexp_extract_all(coalesce({{ expr }}, ''), '([^,;]+?)\s*\((?:\d{5}|2[AB]\d{3})\)\s*(?:[,;]|$)', 1)
{%- endmacro %}

{#- The commune codes of a laureate: the published code column when it has a value, else the codes of its
    `liste_geo` text; a one-null list when there is neither (the label stays, unplaced). -#}
{% macro laureate_commune_codes(code_expr, liste_expr) -%}
    case when {{ commune_code(code_expr) }} is not null then [{{ commune_code(code_expr) }}]
         when len({{ liste_geo_codes(liste_expr) }}) > 0 then {{ liste_geo_codes(liste_expr) }}
         else [cast(null as varchar)] end
{%- endmacro %}
