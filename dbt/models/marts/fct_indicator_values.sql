-- Every indicator value: one row per geography (town, region, county, country), year and
-- indicator. Regional, county and national values come from their components' numerators and
-- denominators, never from averaged rates. A missing value says why in `status`. `origin` says
-- whose figure it is: official, estimate or sample, the weakest of the inputs it is computed
-- from (macros/origin.sql); NULL only for a missing value none of whose inputs was loaded.
with statbank as (
    select
        geo_level, geo_code, year, indicator_id, value, numerator, denominator,
        cast(null as bigint) as n,
        status = 'suppressed' as is_suppressed,
        status,
        origin,
        false as is_survey
    from {{ ref('int_indicator_values') }}
),

vekstkraft as (
    select
        'town' as geo_level, town_id as geo_code, year, 'vekstkraft_index' as indicator_id,
        index_0_100 as value, score as numerator, cast(null as double precision) as denominator,
        cast(null as bigint) as n, false as is_suppressed, status, origin, false as is_survey
    from {{ ref('int_vekstkraft') }}
),

survey as (
    select
        'town' as geo_level, town_id as geo_code, wave as year,
        'survey_' || measure || '__' || item_id as indicator_id,
        value, cast(null as double precision) as numerator, cast(null as double precision) as denominator,
        cast(n as bigint) as n, is_suppressed, status, origin, true as is_survey
    from {{ ref('int_survey_item_summary') }}
),

all_values as (
    select * from statbank
    union all
    select * from vekstkraft
    union all
    select * from survey
),

years as (
    select year from all_values where not is_survey group by year
),

series as (
    -- every geography and statistics indicator it ever has, for every year: gaps become rows
    select distinct geo_level, geo_code, indicator_id
    from all_values
    where not is_survey
),

series_start as (
    -- a series starts in its first year with a figure anywhere: years before it are not rows
    -- (the 07459 snapshot starts in 2005; no missing-value status would be true for 2001-2004)
    select indicator_id, min(year) as first_year
    from all_values
    where value is not null and not is_survey
    group by indicator_id
),

spine as (
    select series.*, years.year
    from series
    inner join series_start using (indicator_id)
    cross join years
    where years.year >= series_start.first_year
)

select
    spine.geo_level,
    spine.geo_code,
    cast(spine.year as integer) as year,
    spine.indicator_id,
    all_values.value,
    all_values.numerator,
    all_values.denominator,
    all_values.n,
    coalesce(all_values.is_suppressed, false) as is_suppressed,
    case
        when all_values.value is not null then null
        when all_values.indicator_id is null then 'no_data'  -- nothing was loaded for it
        else coalesce(all_values.status, 'missing')
    end as status,
    all_values.origin
from spine
left join all_values using (geo_level, geo_code, year, indicator_id)

union all

select geo_level, geo_code, cast(year as integer) as year, indicator_id, value, numerator, denominator, n,
       is_suppressed, case when value is null then coalesce(status, 'missing') end, origin
from survey
