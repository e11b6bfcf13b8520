-- Commune centres that were not used as published, each with its reason and its correction (French):
--   - 'centre_rejete': a published centre failing the plausibility test of int_commune_centre_candidates
--     (outside its département, out of bounds), with the centre retained instead;
--   - 'centres_divergents': two sources give the same commune centres more than 5 km apart (both plausible):
--     the retained one is said;
--   - 'sans_centre': no source gives the commune a plausible centre: it is left out of the distance
--     indicators (their base, population_with_coordinates, says how much that leaves out).
with c as (select * from {{ ref('int_commune_centre_candidates') }}),
kept as (select * from {{ ref('int_commune_centres') }}),
communes as (select commune_code, commune_name, departement_code, population from {{ ref('dim_commune') }}),
rejected as (
    select 'centre_rejete' as problem, c.commune_code, c.published_code, c.source_file, c.source_row,
           c.latitude as published_latitude, c.longitude as published_longitude, c.reason,
           k.latitude as retained_latitude, k.longitude as retained_longitude, k.centre_file as retained_file,
           case when k.commune_code is null then 'aucun autre centre plausible : commune exclue des indicateurs de distance'
                when k.centre_method = 'code_de_la_commune'
                     then 'centre retenu : celui de ' || regexp_extract(k.centre_file, '[^/\\]+$')
                else 'centre retenu : moyenne des centres des codes ' || k.centre_published_code || ' ('
                     || regexp_extract(k.centre_file, '[^/\\]+$') || ')' end as correction
    from c left join kept k using (commune_code)
    where not c.plausible
),
divergent as (
    select 'centres_divergents' as problem, a.commune_code, a.published_code, a.source_file, a.source_row,
           a.latitude, a.longitude,
           'deux sources placent le centre à ' || round({{ haversine_km('a.latitude', 'a.longitude', 'b.latitude', 'b.longitude') }}, 1)
           || ' km l''un de l''autre (' || regexp_extract(a.source_file, '[^/\\]+$') || ' et '
           || regexp_extract(b.source_file, '[^/\\]+$') || ')' as reason,
           k.latitude as retained_latitude, k.longitude as retained_longitude, k.centre_file as retained_file,
           'centre retenu : celui de ' || regexp_extract(k.centre_file, '[^/\\]+$') as correction
    from c a
    join c b on b.commune_code = a.commune_code and b.own_code and b.plausible and b.source_file > a.source_file
    join kept k on k.commune_code = a.commune_code
    where a.own_code and a.plausible
      and {{ haversine_km('a.latitude', 'a.longitude', 'b.latitude', 'b.longitude') }} > 5
),
missing as (
    select 'sans_centre' as problem, m.commune_code, null::varchar, null::varchar, null::bigint, null::double,
           null::double, 'aucune source ne donne de centre plausible pour cette commune (' ||
           coalesce(m.population::varchar, '?') || ' habitants)', null::double, null::double, null::varchar,
           'commune exclue des indicateurs de distance' as correction
    from communes m where m.commune_code not in (select commune_code from kept)
)
select r.*, m.commune_name, m.departement_code
from (select * from rejected union all select * from divergent union all select * from missing) r
left join communes m using (commune_code)
