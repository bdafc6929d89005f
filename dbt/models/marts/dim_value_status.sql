-- Why a value is missing: every status of the `status` columns, worst first (the seed's row
-- order), with SSB's symbols for it and the words the report and the downloads use
-- (the value_statuses seed).
select
    status,
    cast(rowid + 1 as integer) as sort_order,
    ssb_symbols,
    meaning_nb,
    meaning_en,
    description
from {{ ref('value_statuses') }}
