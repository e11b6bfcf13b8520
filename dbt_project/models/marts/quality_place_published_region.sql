-- Places of the 2019 inventory counted in another région than the one the file publishes (INSEEREG), each
-- with the evidence that placed it (French): the published commune code, else the postcode, else the
-- coordinates. The inventory's région column is not a placement rule (its INSEEDEP / INSEEREG look computed
-- from the coordinates, which are sometimes wrong): the code and the postcode win, and each such row is
-- listed here for the team to check or send back to the publisher.
select p.place_id, p.place_name, p.source_file, p.source_row, s.published_region_code, p.region_code,
       p.published_commune_code, p.postcode, p.commune_code, p.commune_name, p.placement_method,
       case when s.published_region_code is null then 'région non publiée dans le fichier ; ' else '' end
       || case when p.placement_method in ('code_insee', 'code_insee_commune_parente', 'code_insee_fusionne')
                   then 'le code commune publié « ' || p.published_commune_code || ' » est ' || p.commune_name
                        || ' (' || p.commune_code || '), en région ' || p.region_code
               when p.placement_method = 'code_postal'
                   then 'pas de code commune ; le code postal « ' || p.postcode || ' » est celui de la seule commune '
                        || p.commune_name || ' (' || p.commune_code || '), en région ' || p.region_code
               else 'placé par ses coordonnées dans ' || p.commune_name || ' (' || p.commune_code || '), en région '
                    || p.region_code end as reason
from {{ ref('dim_place') }} p
join {{ ref('stg_tierslieux_2019') }} s using (place_id)
where s.published_region_code is distinct from p.region_code
