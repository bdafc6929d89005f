-- For the gate's freshness check: the latest year each catalogue table has a figure for, and
-- the year it therefore covers given its known lag (catalogue lag_years).
with latest as (
    select table_id, max(year) as latest_year
    from {{ ref('stg_statbank__cells') }}
    where value is not null
    group by table_id
)

select
    tables.table_id,
    tables.lag_years,
    latest.latest_year,
    latest.latest_year + tables.lag_years as covers_year
from {{ source('raw', 'statbank_tables') }} as tables
left join latest using (table_id)
