-- StatBank cells with typed years and region codes split into level and code.
-- Codes arrive as the table's codelist writes them: K-1804 / K_1804 / K.1804 / 1804
-- (municipality), F-18 / F_18 / 18 (county), 0 (Norway).
with cells as (
    select * from {{ source('raw', 'statbank_cells') }}
),

loads as (
    select load_id, value_origin, loaded_at from {{ source('raw', '_loads') }}
)

select
    cells.load_id,
    cells.table_id,
    cells.region_code as ssb_region_code,
    case
        when cells.region_code = '0' then 'country'
        when regexp_matches(cells.region_code, '^(F[-_.]?)?\d{2}$') then 'county'
        when regexp_matches(cells.region_code, '^(K[-_.]?)?\d{4}$') then 'municipality'
        else 'other'
    end as region_level,
    case
        when cells.region_code = '0' then '0'
        else regexp_extract(cells.region_code, '(\d+)$', 1)
    end as region_id,
    try_cast(left(cells.time_code, 4) as integer) as year,
    cells.time_code,
    cells.contents_code,
    cells.dims,
    cells.value,
    cells.status as ssb_status,
    loads.value_origin,
    {{ load_origin('loads.value_origin') }} as origin,
    loads.loaded_at
from cells
left join loads on cells.load_id = loads.load_id
