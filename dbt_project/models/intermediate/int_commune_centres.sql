-- One centre per commune of the COG vintage, from the plausible candidates of int_commune_centre_candidates:
--   - the row published under the commune's own code (the communes-france row first, which carries the EPCI,
--     then by file and row);
--   - else the mean of the centres of the codes that make the commune up (arrondissements, communes
--     déléguées, merged codes), one point per code: e.g. Paris, whose 75056 row of the communes-france
--     extract is rejected and which the datas.fun file gives by arrondissement only, gets the mean of its
--     20 arrondissements.
-- centre_method says which; n_sources_plausible counts the files giving a plausible centre under the own code.
with c as (select * from {{ ref('int_commune_centre_candidates') }} where plausible),
own as (
    select commune_code,
           arg_min(latitude, (not rich_row, source_file, source_row))    as latitude,
           arg_min(longitude, (not rich_row, source_file, source_row))   as longitude,
           arg_min(source_file, (not rich_row, source_file, source_row)) as centre_file,
           count(distinct source_file)                                   as n_sources_plausible
    from c where own_code
    group by commune_code
),
parts as (
    select commune_code, published_code,
           arg_min(latitude, (not rich_row, source_file, source_row))    as latitude,
           arg_min(longitude, (not rich_row, source_file, source_row))   as longitude,
           arg_min(source_file, (not rich_row, source_file, source_row)) as source_file
    from c where not own_code and commune_code not in (select commune_code from own)
    group by commune_code, published_code
)
select commune_code, latitude, longitude, centre_file, 'code_de_la_commune' as centre_method,
       commune_code as centre_published_code, n_sources_plausible
from own
union all
select commune_code, avg(latitude), avg(longitude), min(source_file),
       'moyenne_des_codes_composant_la_commune', string_agg(published_code, ', ' order by published_code), 0
from parts
group by commune_code
