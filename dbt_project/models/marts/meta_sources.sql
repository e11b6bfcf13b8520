-- The files behind this publication: the files of each source's latest load, with their
-- fingerprint and row accounting (rows_read = rows_loaded + rows_rejected).
with latest as (
    select *, max(loaded_at) over (partition by source) as last_load
    from {{ source('raw', '_manifest') }}
)
select source as source_name, file as file_name, location, sha256, bytes, fetched_at, stale,
       rows_read, rows_loaded, rows_rejected, loaded_at
from latest where loaded_at = last_load
