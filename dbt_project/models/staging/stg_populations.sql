-- The INSEE code is split in CODDEP + CODCOM; overseas CODDEP has 3 characters (971 + 01 -> 97101).
select
    case when length(trim(CODDEP)) = 3 then left(trim(CODDEP), 2) || trim(CODCOM)
         else upper(trim(CODDEP)) || trim(CODCOM) end  as commune_code,
    trim(COM)                                           as commune_name,
    cast(PMUN as bigint)                                as population_municipale,
    cast(PCAP as bigint)                                as population_comptee_a_part,
    cast(PTOT as bigint)                                as population_totale,
    _file, _sha256, _row
from {{ source('raw', 'populations') }}
