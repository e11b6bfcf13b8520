-- The files behind this publication: the files of each source's latest load, with their
-- fingerprint and row accounting (rows_read = rows_loaded + rows_rejected), and what the source's
-- declaration (ingest/sources/<source>.py, through the meta of the dbt source) says users should
-- read: its label, publisher, licence and cadence.
with latest as (
    select *, max(loaded_at) over (partition by source) as last_load
    from {{ source('raw', '_manifest') }}
),
declared as (
    {%- set declared = [] %}
    {%- if execute %}
    {%- for node in graph.sources.values() if node.source_name == 'raw' and node.meta.get('label') %}
    {%- do declared.append(node) %}
    {%- endfor %}
    {%- endif %}
    {%- for node in declared %}
    select
        {{ dbt.string_literal(dbt.escape_single_quotes(node.name)) }} as source_name,
        {{ dbt.string_literal(dbt.escape_single_quotes(node.meta.label)) }} as source_label,
        {{ dbt.string_literal(dbt.escape_single_quotes(node.meta.publisher)) }} as publisher,
        {{ dbt.string_literal(dbt.escape_single_quotes(node.meta.licence)) }} as licence,
        {{ dbt.string_literal(dbt.escape_single_quotes(node.meta.cadence)) }} as cadence
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- else %}
    select
        null::varchar as source_name, null::varchar as source_label, null::varchar as publisher,
        null::varchar as licence, null::varchar as cadence
    where false
    {%- endfor %}
)

select
    l.source as source_name, coalesce(d.source_label, l.source) as source_label, d.publisher, d.licence, d.cadence,
    l.file as file_name, l.location, l.sha256, l.bytes, l.fetched_at, l.stale,
    l.rows_read, l.rows_loaded, l.rows_rejected, l.loaded_at,
    -- What the loader said of the file (ingest/load.py): the vintage it recognised, its warnings in French
    -- (a file refused and replaced by its previous snapshot, a missing optional column and its consequence,
    -- values the vintage does not know), the values it corrected (raw._field_report).
    l.vintage, l.warnings, coalesce(l.corrections, 0) as n_corrections
from latest as l
left join declared as d on l.source = d.source_name
where l.loaded_at = l.last_load
