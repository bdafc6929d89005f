-- StatBank cells with typed years and region codes split into level and code.
-- Region codes come as K-1804 / K_1804 / K.1804 (municipality, summed series), 1804 (plain),
-- F-18 / F_18 (county) or 0 (Norway).
with cells as (
    select * from {{ source('raw', 'statbank_cells') }}
)

select
    load_id,
    table_id,
    region_code as ssb_region_code,
    case
        when region_code = '0' then 'country'
        when regexp_matches(region_code, '^F[-_.]?\d{2}$') then 'county'
        when regexp_matches(region_code, '^(K[-_.]?)?\d{4}$') then 'municipality'
        else 'other'
    end as region_level,
    case
        when region_code = '0' then '0'
        else regexp_extract(region_code, '(\d+)$', 1)
    end as region_id,
    try_cast(left(time_code, 4) as integer) as year,
    time_code,
    contents_code,
    dims,
    value,
    status as ssb_status
from cells
