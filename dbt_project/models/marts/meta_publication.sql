-- One row describing this publication: territory, version of the models and build time. Readers show it beside every figure.
select
    '{{ var("territory_name") | replace("'", "''") }}' as territory_name,
    {{ 'true' if var('territory_fictional', false) else 'false' }} as is_fictional,
    '{{ var("territory_departements") | join(",") }}'  as departements,
    '{{ var("model_version") }}'                       as model_version,
    current_timestamp                                  as built_at
