-- The rows left unplaced (quality_unplaced_rows) counted per source and reason (the Méthodologie page).
select
    source_name,
    reason,
    count(*) as n_rows
from {{ ref('quality_unplaced_rows') }}
group by source_name, reason
