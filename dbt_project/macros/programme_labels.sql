{#- Rows of the programme laureate tables (Fabriques de territoire, Manufactures de proximité, Campus
    connectés, Micro-Folies, Conseillers numériques...) that exist in schema raw, among the names of
    var programme_label_tables. A table that does not exist contributes no row: until a laureate
    source is loaded, every programme label count is zero and the build still succeeds.

    Columns are found by name among usual candidates (the raw layer keeps the published names):
    commune (id_geo, code_commune, insee_com, ...), identifier (id_territoire, id, ...), name
    (lib_territoire, nom, ...), programme (programme, dispositif, ...; else the prefix of the
    identifier, e.g. "fabt-59" or "manuprox-2-79"; else the table name), optional coordinates, amount
    and students. One published row may list several projects separated by ";" (the ANCT files do:
    "fabt-59; fabt-60"): id_parts and name_parts hold them (int_programme_labels gives one label per
    project). commune_codes holds the row's communes: the code column when it has a value, else the codes
    written in a `liste_geo` text ("Bouillante (97106)", several for a convention covering several
    communes: Petites villes de demain), else one null (the label stays, unplaced). published_date is the
    date of signature or of selection when the file publishes one. -#}
{% macro programme_label_rows() -%}
    {%- set parts = [] -%}
    {%- for name in var('programme_label_tables') -%}
        {%- set rel = optional_raw_relation(name) -%}
        {%- if rel is not none -%}
            {%- set cols = column_names(rel) -%}
            {%- set c_commune = find_column(rel, ['id_geo', 'code_commune', 'insee_com', 'code_insee', 'commune_code', 'codgeo', 'com'], cols) -%}
            {%- set c_id = find_column(rel, ['id_territoire', 'identifiant', 'id', 'label_id', 'id_structure'], cols) -%}
            {%- set c_name = find_column(rel, ['lib_territoire', 'nom', 'name', 'nom_lieu', 'raison_sociale', 'lib_fs'], cols) -%}
            {%- set c_prog = find_column(rel, ['programme', 'programme_code', 'dispositif', 'program', 'label'], cols) -%}
            {%- set c_lat = find_column(rel, ['latitude', 'lat'], cols) -%}
            {%- set c_lon = find_column(rel, ['longitude', 'lon', 'lng'], cols) -%}
            {%- set c_amount = find_column(rel, ['montant', 'montant_eur', 'investissement_financier_estimatif_total_de_l.etat',
                                                 'investissement_financier_estimatif_total_de_l_etat'], cols) -%}
            {%- set c_students = find_column(rel, ['nb_etudiants', 'etudiants', 'nombre_etudiants'], cols) -%}
            {%- set c_liste = find_column(rel, ['liste_geo'], cols) -%}
            {%- set c_date = find_column(rel, ['date_signature', 'date_de_validation_en_comité_de_sélection'], cols) -%}
            {%- set c_file = find_column(rel, ['_file'], cols) -%}
            {%- set c_row = find_column(rel, ['_row'], cols) -%}
            {%- set sql -%}
            select
                '{{ name }}'                                                    as source_table,
                {{ c_prog if c_prog is not none else 'cast(null as varchar)' }} as published_programme,
                {{ laureate_commune_codes('cast(' ~ (c_commune if c_commune is not none else 'null') ~ ' as varchar)',
                                          'cast(' ~ (c_liste if c_liste is not none else 'null') ~ ' as varchar)') }} as commune_codes,
                try_cast(cast({{ c_date if c_date is not none else 'null' }} as varchar) as date)   as published_date,
                {{ to_double(c_lat if c_lat is not none else 'cast(null as varchar)') }}           as published_latitude,
                {{ to_double(c_lon if c_lon is not none else 'cast(null as varchar)') }}           as published_longitude,
                {{ to_double(c_amount if c_amount is not none else 'cast(null as varchar)') }}     as published_amount_eur,
                {{ to_double(c_students if c_students is not none else 'cast(null as varchar)') }} as students,
                {{ c_file if c_file is not none else "'" ~ name ~ "'" }}        as _file,
                {{ c_row if c_row is not none else 'cast(null as bigint)' }}    as _row,
                string_split(coalesce(cast({{ c_id if c_id is not none else 'null' }} as varchar), ''), ';')   as id_parts,
                string_split(coalesce(cast({{ c_name if c_name is not none else 'null' }} as varchar), ''), ';') as name_parts,
                cast({{ c_name if c_name is not none else 'null' }} as varchar)                                as full_name
            from {{ rel }}
            {%- endset -%}
            {%- do parts.append(sql) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if parts | length == 0 -%}
    select cast(null as varchar) as source_table, cast(null as varchar) as published_programme,
           cast(null as varchar[]) as commune_codes, cast(null as date) as published_date,
           cast(null as double) as published_latitude,
           cast(null as double) as published_longitude, cast(null as double) as published_amount_eur,
           cast(null as double) as students, cast(null as varchar) as _file, cast(null as bigint) as _row,
           cast(null as varchar[]) as id_parts, cast(null as varchar[]) as name_parts, cast(null as varchar) as full_name
    where false
    {%- else -%}
    {{ parts | join('\nunion all by name\n') }}
    {%- endif -%}
{%- endmacro %}
