-- The files behind this publication: one row per source file of the latest load, with its
-- fingerprint and row accounting (rows_read = rows_loaded + rows_rejected).
with latest as (
    select *, row_number() over (partition by source, location order by loaded_at desc) as rn
    from {{ source('raw', '_manifest') }}
)
select source as source_name, file as file_name, location, sha256, bytes, fetched_at, stale,
       rows_read, rows_loaded, rows_rejected, loaded_at
from latest where rn = 1
