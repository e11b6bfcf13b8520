-- One row per tiers-lieu the observatory knows, with its history: every mention of it by a list of places
-- (any inventory source of int_places: the 2019 inventory, a regional list...; a programme's laureates when
-- matched to the place) and by a survey wave, with its year and the status it states; first and last year
-- seen; the status today and the mention it comes from; the year it opened or closed when a source saw it.
-- The places: the real places (dim_place_source) holding a record of an inventory source (every place source
-- but France Services, conseillers numériques host structures and programme laureates, which are counted
-- apart), and the places known only from the survey (int_survey_local_places). France Services and host
-- structure records never add a mention (another offer).
-- Dating: a list loaded by mapping (listes_lieux) is dated by the vintage its mapping declares and each record
-- states its own status (ouvert / projet / ferme, none when the list gives none); another list's mention is
-- dated by ref_place_lists (its vintage), else by the year its file was fetched; a survey answer by its wave.
-- Status of another list's mention: that of ref_place_lists (an inventory: ouvert; laureates: none), else
-- ouvert (a laureate list: none); a survey answer's is the status it declares (none when blank or in an older
-- file without the question).
-- The status rule: the latest mention stating a status wins; in the same year a survey answer beats a list
-- (the place itself speaks), then by source name. opening_year: the year of the first "ouvert" mention after
-- the last "en projet" one, or, for a place never seen in project, of its first "ouvert" mention when the
-- place declares it opened that year. closing_year: the year of the first "ferme" mention after the last
-- mention stating another status, when the place is closed.
with lists as (select * from {{ ref('ref_place_lists') }}),
fetched as (
    select source as source_name, max(try_cast(left(fetched_at, 4) as integer)) as fetch_year
    from {{ source('raw', '_manifest') }} group by source
),
records as (
    select s.* from {{ ref('dim_place_source') }} s
    where s.real_place_id is not null
      and s.source_family not in ('france_services', 'structure_conseiller_numerique')
),
listed_places as (
    select distinct real_place_id from records where source_family <> 'laureat_programme'
),
list_mentions as (
    select r.real_place_id,
           r.source_name,
           coalesce(try_cast(left(ll.list_date, 4) as integer), l.mention_year, f.fetch_year) as mention_year,
           case when ll.record_id is not null
                    then case ll.place_status when 'projet' then 'en_projet' else ll.place_status end
                when l.source_name is not null then nullif(l.mention_status, '')
                when r.source_family <> 'laureat_programme' then 'ouvert' end         as status,
           'liste'                                                                    as mention_kind,
           r.source_record_id                                                         as mention_ref,
           cast(null as integer)                                                      as declared_opening_year
    from records r
    join listed_places using (real_place_id)
    left join lists l on l.source_name = r.source_name
    left join fetched f on f.source_name = r.source_name
    left join {{ ref('stg_listes_lieux') }} ll on ll.record_id = r.source_record_id
),
survey_mentions as (
    select coalesce(s.real_place_id, m.survey_place_key) as real_place_id,
           'surveys'                                     as source_name,
           m.wave_year                                   as mention_year,
           m.declared_status                             as status,
           'enquete'                                     as mention_kind,
           m._file || ', ligne ' || m._line              as mention_ref,
           m.opening_year                                as declared_opening_year
    from {{ ref('int_survey_matches') }} m
    left join {{ ref('dim_place_source') }} s on s.source_record_id = m.place_id
),
places as (
    select p.real_place_id, p.place_name, p.commune_code, p.epci_code, 'liste' as known_from
    from {{ ref('dim_real_place') }} p join listed_places using (real_place_id)
    union all
    select place_id, place_name, commune_code, epci_code, 'enquete'
    from {{ ref('int_survey_local_places') }}
),
mentions as (
    select m.*,
           -- the order of the status rule: year, then a survey answer after a list, then the source's name
           row_number() over (partition by m.real_place_id
                              order by m.mention_year, m.mention_kind = 'enquete', m.source_name, m.mention_ref) as mention_rank
    from (select * from list_mentions union all select * from survey_mentions) m
    join places using (real_place_id)
    where m.mention_year is not null
),
summary as (
    select
        real_place_id,
        min(mention_year)                                                             as first_seen_year,
        max(mention_year)                                                             as last_seen_year,
        count(*)                                                                      as n_mentions,
        count(*) filter (where mention_kind = 'enquete')                              as n_survey_answers,
        list(distinct source_name order by source_name)                               as source_names,
        arg_max(status, mention_rank) filter (where status is not null)               as status,
        arg_max(source_name, mention_rank) filter (where status is not null)          as status_source,
        arg_max(mention_year, mention_rank) filter (where status is not null)         as status_year,
        max(mention_rank) filter (where status = 'en_projet')                         as last_project_rank,
        max(mention_rank) filter (where status in ('ouvert', 'en_projet'))            as last_not_closed_rank,
        arg_max(declared_opening_year, mention_rank) filter (where declared_opening_year is not null)
                                                                                      as declared_opening_year,
        list({'year': mention_year, 'source_name': source_name, 'status': status, 'kind': mention_kind,
              'ref': mention_ref, 'rank': mention_rank} order by mention_rank)                              as history
    from mentions
    group by real_place_id
),
transitions as (
    select
        s.real_place_id,
        min(m.mention_year) filter (where m.status = 'ouvert' and m.mention_rank > s.last_project_rank)
                                                                                      as opened_after_project,
        min(m.mention_year) filter (where m.status = 'ouvert')                        as first_open_year,
        min(m.mention_year) filter (where m.status = 'ferme'
                                    and m.mention_rank > coalesce(s.last_not_closed_rank, 0))
                                                                                      as first_closed_year
    from summary s join mentions m using (real_place_id)
    group by s.real_place_id
)
select
    p.real_place_id,
    p.place_name,
    p.commune_code,
    p.epci_code,
    p.known_from,
    s.first_seen_year,
    s.last_seen_year,
    s.n_mentions,
    s.n_survey_answers,
    s.source_names,
    coalesce(s.status, 'non_renseigne')                                               as status,
    s.status_source,
    s.status_year,
    case when s.last_project_rank is not null then t.opened_after_project
         when t.first_open_year = s.declared_opening_year then t.first_open_year end  as opening_year,
    case when s.status = 'ferme' then t.first_closed_year end                         as closing_year,
    s.declared_opening_year,
    s.history
from places p
join summary s using (real_place_id)
join transitions t using (real_place_id)
