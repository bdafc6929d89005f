-- Every StatBank cell on today's municipality codes, one row per table, region, year, contents
-- code and other dimensions.
-- * A cell loaded more than once (a newer file of the same table) counts once: the latest load,
--   after region codes are normalised (K-1804, K_1804 and 1804 are one cell; a file written with
--   other codes replaces, never adds to, the earlier one). Older vintages are refused at ingest.
-- * Cells marked "." (cannot occur: a code not valid that year) are dropped.
-- * Retired codes that merged wholly into a current one are summed into it; codes whose
--   territory was split stay under their own code (no comparable series).
-- * Years before a municipality's first comparable year are a series break: value NULL, never
--   the 0 SSB's summed series deliver for them.
-- * status says why a value is missing (SSB's symbols mapped once, macros/value_status.sql).
-- * origin: official, estimate or sample (the weakest of the summed cells'; see macros/origin.sql).
with latest as (
    select * from {{ ref('stg_statbank__cells') }}
    qualify row_number() over (
        partition by table_id, region_level, region_id, time_code, contents_code, dims
        order by loaded_at desc, load_id desc
    ) = 1
),

cells as (
    select * from latest
    where coalesce(ssb_status, '') <> '.'
),

history as (
    select * from {{ ref('municipality_code_history') }}
    where change = 'merge'
),

on_current_codes as (
    select
        cells.*,
        case
            when cells.region_level = 'municipality' then coalesce(history.current_code, cells.region_id)
            else cells.region_id
        end as current_region_id
    from cells
    left join history
        on cells.region_level = 'municipality'
        and cells.region_id = history.old_code
        and cells.year <= history.last_year_valid
),

summed as (
    select
        table_id,
        region_level,
        current_region_id as region_id,
        year,
        contents_code,
        dims,
        -- a sum is only a figure if every part is one
        case when count(value) = count(*) then sum(value) end as value,
        string_agg(distinct ssb_status, ',') as ssb_status,
        string_agg(distinct load_id, ',') as load_ids,
        {{ weakest_origin_agg('origin') }} as origin
    from on_current_codes
    group by all
)

select
    summed.table_id,
    summed.region_level,
    summed.region_id,
    summed.year,
    summed.contents_code,
    summed.dims,
    case when breaks.first_comparable_year > summed.year then null else summed.value end as value,
    -- why the value is missing, NULL if it is not (macros/value_status.sql)
    {{ value_status('summed.value', 'summed.ssb_status', 'coalesce(breaks.first_comparable_year > summed.year, false)') }} as status,
    summed.ssb_status,
    summed.load_ids,
    summed.origin
from summed
left join {{ ref('series_breaks') }} as breaks
    on summed.region_level = 'municipality'
    and summed.region_id = breaks.municipality_code
