-- A survey answer carries the identifier of an inventory place (identifiant_lieu, pre-filled in the
-- questionnaire) that no placed tiers-lieu has: a typo, or a place gone from the inventory. The answer is not
-- lost (int_survey_matches matches it by SIRET or by name in its commune, else it is a place « recensé
-- localement »), but the figures of the place it was meant for miss it until the team corrects the
-- identifier: a warning that names the answer, its file and record, and how it was matched instead.
{{ config(severity='warn', store_failures=true,
          meta={'label': "identifiants de lieu des réponses à l'enquête connus de l'inventaire"}) }}
select m._file, m._row, m.wave_year, m.place_ref, m.place_name, m.match_method,
       'Réponse « ' || coalesce(m.place_name, '?') || ' » (' || m._file || ', enregistrement ' || m._row
       || ', vague ' || coalesce(cast(m.wave_year as varchar), '?') || ') : identifiant de lieu « ' || m.place_ref
       || ' » inconnu de l''inventaire ; '
       || case m.match_method when 'siret' then 'rapprochée par son SIRET'
                              when 'nom_commune' then 'rapprochée par son nom dans sa commune'
                              else 'non rapprochée : comptée comme lieu recensé localement' end
       || ' ; corrigez l''identifiant dans le fichier de réponses.' as message
from {{ ref('int_survey_matches') }} as m
where m.place_ref is not null and m.match_method <> 'identifiant'
