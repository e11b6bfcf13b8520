-- The national programme each published grant belongs to, recognised from its purpose and
-- beneficiary (seed map_programme, whole words, longest key first); grants matching no key are not
-- listed (fct_grants: 'hors_programme'). Depends on the grants only, so that a refresh of other
-- sources (a survey wave) does not match them again.
with g as (
    select _file, _row,
           ' ' || {{ normalize_name("coalesce(purpose, '') || ' ' || beneficiary_name") }} || ' ' as words
    from {{ ref('stg_subventions') }}
)
select g._file, g._row, arg_max(m.programme_code, length(m.programme_key)) as programme_code
from g join {{ ref('map_programme') }} m
  on m.use_for_grants and g.words like ('% ' || m.programme_key || ' %')
group by g._file, g._row
