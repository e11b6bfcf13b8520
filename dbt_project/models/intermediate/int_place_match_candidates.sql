-- Candidate pairs of facility records that may be the same real place, scored. Blocking: only records
-- placed in the SAME commune and coming from DIFFERENT sources are compared (never across communes,
-- never within one source), so the work grows with the places per commune, not with all places squared.
-- Score (0..1) = weighted mean of the components available for the pair:
--   name     (weight 0.5): 0.7 x overlap coefficient + 0.3 x Jaccard of the name tokens (macro
--            name_similarity; tokens equal, or Jaro-Winkler >= 0.9 for tokens of 4+ characters), on normalised
--            names without stop words, generic words ("France services", "tiers-lieu", "coworking"...) and
--            the words of the commune's name (shared by every place of the commune); when both names have nothing
--            but generic words, they are compared on those, at 0.9;
--   address  (weight 0.3): token Jaccard of the normalised addresses, halved when the house numbers differ;
--   distance (weight 0.2): 1 at the same point, 0 from var place_match_near_km; only when both records
--            locate the place itself (the laureate files only give the commune centroid: laureates are
--            matched on name + commune).
-- Decision: the team's correction (seed place_match_corrections) when there is one; else "match" for the
-- same SIRET; "no_match" for two different SIRETs; else "match" from var place_match_threshold,
-- "a_verifier" from var place_review_threshold, "no_match" below.
{%- set near_km = var('place_match_near_km') %}
with placed as (
    select p.*, c.commune_name
    from {{ ref('int_place_placement') }} p
    join {{ ref('dim_commune') }} c using (commune_code)
),
r0 as (
    select place_id, source_name, source_priority, place_family, place_name, commune_code, siret, latitude, longitude,
           coordinates_kind, address,
           list_filter({{ name_tokens('place_name') }}, lambda x: not list_contains({{ name_tokens('commune_name') }}, x)) as all_tokens,
           list_filter(string_split({{ normalize_name('address') }}, ' '), lambda x: length(x) > 0)               as address_tokens,
           regexp_extract(coalesce(address, ''), '^\s*(\d+)', 1)                                              as house_number
    from placed
),
r as (
    select *, list_filter(all_tokens, lambda x: not list_contains({{ generic_name_words() }}, x)) as tokens from r0
),
pairs as (
    select a.place_id as source_id_a, b.place_id as source_id_b,
           a.source_name as source_name_a, b.source_name as source_name_b,
           a.place_name as name_a, b.place_name as name_b,
           a.place_family as family_a, b.place_family as family_b,
           a.source_priority as priority_a, b.source_priority as priority_b,
           a.commune_code,
           a.siret as siret_a, b.siret as siret_b,
           -- two names made of generic words only ("L'Atelier numérique") are compared on those words, at 0.9
           case when len(a.tokens) = 0 and len(b.tokens) = 0 then 0.9 * {{ name_similarity('a.all_tokens', 'b.all_tokens') }}
                else {{ name_similarity('a.tokens', 'b.tokens') }} end                                     as name_score,
           case when len(a.address_tokens) > 0 and len(b.address_tokens) > 0 then
                {{ jaccard('a.address_tokens', 'b.address_tokens') }}
                * case when a.house_number <> '' and b.house_number <> '' and a.house_number <> b.house_number then 0.5 else 1 end
           end as address_score,
           case when a.coordinates_kind = 'lieu' and b.coordinates_kind = 'lieu' and a.latitude is not null
                     and b.latitude is not null
                then round({{ haversine_km('a.latitude', 'a.longitude', 'b.latitude', 'b.longitude') }}, 3) end as distance_km
    from r a
    join r b on b.commune_code = a.commune_code and b.source_name <> a.source_name
         -- each unordered pair once: the record of the higher-priority source first
         and (a.source_priority, a.source_name) < (b.source_priority, b.source_name)
),
scored as (
    select *,
        case when distance_km is not null then greatest(0.0, 1.0 - distance_km / {{ near_km }}) end as distance_score
    from pairs
),
scored2 as (
    select *,
        round((0.5 * name_score + 0.3 * coalesce(address_score, 0) + 0.2 * coalesce(distance_score, 0))
              / (0.5 + case when address_score is not null then 0.3 else 0 end
                     + case when distance_score is not null then 0.2 else 0 end), 4) as score
    from scored
),
corrections as (
    select least(trim(source_id_a), trim(source_id_b)) as id1, greatest(trim(source_id_a), trim(source_id_b)) as id2,
           lower(trim(decision)) as decision, comment
    from {{ ref('place_match_corrections') }}
    where lower(trim(decision)) in ('match', 'no_match')
)
select
    s.*,
    coalesce(k.decision,
             case when s.siret_a is not null and s.siret_a = s.siret_b then 'match'
                  when s.siret_a is not null and s.siret_b is not null then 'no_match'
                  when s.score >= {{ var('place_match_threshold') }} then 'match'
                  when s.score >= {{ var('place_review_threshold') }} then 'a_verifier'
                  else 'no_match' end)                                   as decision,
    case when k.decision is not null then 'correction'
         when s.siret_a is not null and s.siret_b is not null then 'siret'
         else 'score' end                                                as decision_source,
    k.comment                                                            as correction_comment
from scored2 s
left join corrections k on k.id1 = least(s.source_id_a, s.source_id_b) and k.id2 = greatest(s.source_id_a, s.source_id_b)
