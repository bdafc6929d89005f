-- Every input file loaded into the warehouse: what feeds the marts, for traceability.
select
    load_id,
    source,
    table_id,
    file_name,
    sha256,
    rows_loaded,
    rows_rejected,
    loaded_at,
    value_origin
from {{ source('raw', '_loads') }}
