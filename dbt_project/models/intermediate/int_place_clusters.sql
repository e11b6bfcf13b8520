-- Which real place each placed facility record belongs to. Sources in priority order: 2019 inventory (1),
-- France Services (2), programme laureates (3), conseillers numériques host structures (4).
--   * A record of the inventory or of France Services is always a row of dim_place (the indicators count
--     tiers-lieux and France Services separately). A France Services site that is the same place as an
--     inventory tiers-lieu keeps its own row but shares its real_place_id.
--   * A laureate joins the inventory / France Services record it matches (decision "match" in
--     int_place_match_candidates); a conseiller numérique structure joins the record (inventory, France
--     Services or laureate) it matches, i.e. that record's place. Otherwise it is a place of its own.
--   * A record of any other list (source_priority 5 and more: a regional network's list, a local file)
--     joins the place (after the steps above) of the inventory, France Services, laureate or conseiller
--     numérique record it matches; otherwise it is a place of its own. Records of two such lists are
--     not matched with each other.
--   * Matching is one-to-one per source: a record joins its best-scoring partner only when it is also that
--     place's best-scoring record of its source (mutual best, ties broken by identifier), so a place never
--     holds two records of one source and no chain of matches can glue distinct places together.
with recs as (
    select place_id, source_name, source_priority, place_family
    from {{ ref('int_place_placement') }} where commune_code is not null
),
m as (
    -- every "match" pair, seen from the lower-priority record x towards the higher-priority record y
    select source_id_b as x, source_id_a as y, source_name_b as x_source, source_name_a as y_source,
           priority_b as x_priority, priority_a as y_priority, score, decision_source
    from {{ ref('int_place_match_candidates') }} where decision = 'match'
),
-- France Services -> inventory: a link (shared real_place_id), not a merge.
fs_links as (
    select x, y, score, decision_source from m where x_priority = 2 and y_priority = 1
    qualify row_number() over (partition by x order by score desc, y) = 1
        and row_number() over (partition by y order by score desc, x) = 1
),
-- Laureates -> inventory / France Services records.
laureates as (
    select x, y as anchor, score, decision_source from m where x_priority = 3 and y_priority in (1, 2)
    qualify row_number() over (partition by x order by score desc, y) = 1
        and row_number() over (partition by y order by score desc, x) = 1
),
anchor_after_laureates as (
    select r.place_id, coalesce(l.anchor, r.place_id) as anchor
    from recs r left join laureates l on l.x = r.place_id
),
-- Conseillers numériques structures -> the place of an inventory / France Services / laureate record.
cnfs_candidates as (
    select m.x, a.anchor, m.score, m.decision_source
    from m join anchor_after_laureates a on a.place_id = m.y
    where m.x_priority = 4 and m.y_priority in (1, 2, 3)
    qualify row_number() over (partition by m.x, a.anchor order by m.score desc) = 1
),
cnfs as (
    select x, anchor, score, decision_source from cnfs_candidates
    qualify row_number() over (partition by x order by score desc, anchor) = 1
        and row_number() over (partition by anchor order by score desc, x) = 1
),
anchor_after_cnfs as (
    select a.place_id, coalesce(c.anchor, a.anchor) as anchor
    from anchor_after_laureates a left join cnfs c on c.x = a.place_id
),
-- Records of the other lists -> the place of a record of the four sources above.
others_candidates as (
    select m.x, m.x_source, a.anchor, m.score, m.decision_source
    from m join anchor_after_cnfs a on a.place_id = m.y
    where m.x_priority >= 5 and m.y_priority <= 4
    qualify row_number() over (partition by m.x, a.anchor order by m.score desc) = 1
),
others as (
    select x, anchor, score, decision_source from others_candidates
    qualify row_number() over (partition by x order by score desc, anchor) = 1
        and row_number() over (partition by anchor, x_source order by score desc, x) = 1
),
folded as (
    select x as place_id, anchor, score, decision_source from laureates
    union all
    select x, anchor, score, decision_source from cnfs
    union all
    select x, anchor, score, decision_source from others
)
select
    r.place_id                                               as source_record_id,
    r.source_name,
    r.source_priority,
    coalesce(f.anchor, r.place_id)                           as place_id,
    'LIEU-' || coalesce(fl.y, f_anchor_link.y, f.anchor, r.place_id) as real_place_id,
    case when f.anchor is not null then f.decision_source
         when fl.y is not null then 'lien_' || fl.decision_source
         else 'ancre' end                                    as link_method,
    coalesce(f.score, fl.score)                              as match_score
from recs r
left join folded f on f.place_id = r.place_id
left join fs_links fl on fl.x = r.place_id
-- a record folded into a France Services place takes the real place of that site
left join fs_links f_anchor_link on f_anchor_link.x = f.anchor
