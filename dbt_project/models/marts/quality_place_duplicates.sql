-- Duplicates report: every pair of records of different sources in the same commune that share their
-- SIRET, score at least var place_review_threshold, or carry a correction of the team, with the score,
-- its components, the distance, the decision and what was done with it. To override a decision, add the
-- two source ids with "match" or "no_match" and a comment to seed place_match_corrections.csv.
with k as (select * from {{ ref('int_place_clusters') }})
select
    c.source_id_a || ' ~ ' || c.source_id_b                    as pair_id,
    c.source_id_a, c.source_name_a, c.name_a,
    c.source_id_b, c.source_name_b, c.name_b,
    c.commune_code,
    d.commune_name,
    round(c.name_score, 4)                                     as name_score,
    round(c.address_score, 4)                                  as address_score,
    c.distance_km,
    c.score,
    c.decision,
    c.decision_source,
    c.correction_comment,
    case when ka.place_id = kb.place_id then 'fusionne'
         when ka.real_place_id = kb.real_place_id then 'meme_lieu_lignes_distinctes'
         when c.decision = 'match' then 'non_retenu_un_meilleur_candidat'
         else 'non_fusionne' end                              as outcome
from {{ ref('int_place_match_candidates') }} c
left join k ka on ka.source_record_id = c.source_id_a
left join k kb on kb.source_record_id = c.source_id_b
left join {{ ref('dim_commune') }} d on d.commune_code = c.commune_code
where c.decision in ('match', 'a_verifier') or c.decision_source in ('correction', 'siret')
