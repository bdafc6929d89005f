-- Population on 1 January (SSB 07459, persons, all sexes and ages) per region and year, on
-- today's municipality codes, with series breaks marked instead of SSB's placeholder zeros.
with cells as (
    select *
    from {{ ref('stg_statbank__cells') }}
    where table_id = '07459'
      and contents_code = 'Personer1'
      and dims = '{}'::json
),

on_current_codes as (
    select
        cells.region_level,
        case
            when cells.region_level = 'municipality'
                then coalesce(history.current_code, cells.region_id)
            else cells.region_id
        end as region_id,
        cells.year,
        cells.value,
        cells.ssb_status,
        cells.load_id
    from cells
    left join {{ ref('municipality_code_history') }} as history
        on cells.region_level = 'municipality'
        and cells.region_id = history.old_code
        and history.change = 'merge'
),

summed as (
    select
        region_level,
        region_id,
        year,
        -- a sum is only a figure if every part is one
        case when count(value) = count(*) then sum(value) end as population,
        string_agg(distinct ssb_status, ',') as ssb_status,
        string_agg(distinct load_id, ',') as load_ids
    from on_current_codes
    group by region_level, region_id, year
)

select
    summed.region_level,
    summed.region_id,
    summed.year,
    case
        when breaks.first_comparable_year is not null
            and summed.year < breaks.first_comparable_year then null
        else summed.population
    end as population,
    case
        when breaks.first_comparable_year is not null
            and summed.year < breaks.first_comparable_year then 'series_break'
        when summed.population is not null then 'ok'
        when summed.ssb_status is not null then 'not_available'
        else 'missing'
    end as value_status,
    summed.ssb_status,
    summed.load_ids
from summed
left join {{ ref('series_breaks') }} as breaks
    on summed.region_level = 'municipality'
    and summed.region_id = breaks.municipality_code
