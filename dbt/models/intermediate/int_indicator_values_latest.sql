-- Each statistics indicator per geography and year as the report for that year sees it: the
-- value of the latest year from the year less the indicator's publishing lag (the largest
-- lag_years of its source tables in the catalogue) to the year itself. A table published with
-- a lag (09588, 13470, 09429, 08316, ...) has no figure yet for the report year; its latest
-- figure counts instead, and `value_year` says which year that is (NULL: no figure); `origin`
-- is that figure's.
with lags as (
    select
        indicators.indicator_id,
        coalesce(max(tables.lag_years), 0) as lag_years
    from (
        select indicator_id, source_tables from {{ ref('indicators') }}
        union all
        select distinct indicator_id, '13470' from {{ ref('int_jobs_by_industry') }}
    ) as indicators
    left join {{ source('raw', 'statbank_tables') }} as tables
        on list_contains(string_split(replace(indicators.source_tables, ' ', ''), ','), tables.table_id)
    group by all
),

figures as (
    select geo_level, geo_code, year, indicator_id, value, origin
    from {{ ref('int_indicator_values') }}
    where value is not null
)

select
    base.geo_level,
    base.geo_code,
    base.year,
    base.indicator_id,
    arg_max(figures.value, figures.year) as value,
    max(figures.year) as value_year,
    coalesce(arg_max(figures.origin, figures.year), any_value(base.origin)) as origin
from {{ ref('int_indicator_values') }} as base
inner join lags using (indicator_id)
left join figures
    on figures.geo_level = base.geo_level
    and figures.geo_code = base.geo_code
    and figures.indicator_id = base.indicator_id
    and figures.year between base.year - lags.lag_years and base.year
group by all
