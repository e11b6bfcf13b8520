-- Per département, the median point of its communes' centres (all sources) and the distance beyond which a
-- point is taken as outside the département (2 x the 95th percentile of the centres' distances to that
-- point + 20 km; see int_commune_centre_candidates). Used to check the coordinates of places too.
select departement_code, any_value(ref_latitude) as ref_latitude, any_value(ref_longitude) as ref_longitude,
       any_value(max_departement_km) as max_departement_km
from {{ ref('int_commune_centre_candidates') }}
where max_departement_km is not null
group by departement_code
