-- Jobs by place of work per industry (SSB 13470, NACE groups) for every geography and year,
-- with the industry's share of all jobs there; summed from municipalities like every measure.
with cells as (
    select region_level, region_id, year, dims->>'NACE2007' as nace_code, value, status,
           ssb_status, origin
    from {{ ref('int_statbank__cells_on_current_codes') }}
    where table_id = '13470' and contents_code = 'SysselsatteArb'
),

members as (
    select * from {{ ref('int_geo_members') }}
),

expected as (
    select geo_level, geo_code, count(*) as members from members group by all
),

by_geo as (
    select
        members.geo_level,
        members.geo_code,
        cells.year,
        cells.nace_code,
        case when count(cells.value) = count(*) and count(*) = max(expected.members)
            then sum(cells.value) end as jobs,
        case
            when count(cells.value) < count(*) then {{ worst_value_status_agg('cells.status') }}
            when count(*) < max(expected.members) then 'missing'
        end as status,
        {{ weakest_origin_agg('cells.origin') }} as origin
    from members
    inner join expected using (geo_level, geo_code)
    inner join cells
        on cells.region_level = 'municipality'
        and cells.region_id = members.municipality_code
    where members.geo_level <> 'county'
    group by all
    union all
    select
        case region_level when 'county' then 'county' else 'country' end,
        case region_level when 'county' then region_id else 'NO' end,
        year,
        nace_code,
        value,
        status,
        origin
    from cells
    where region_level in ('county', 'country') and (region_level = 'country' or region_id = '{{ var("county_code") }}')
)

select
    geo_level,
    geo_code,
    year,
    'job_share__' || nace_code as indicator_id,
    100.0 * jobs / sum(jobs) over (partition by geo_level, geo_code, year) as value,
    jobs as numerator,
    sum(jobs) over (partition by geo_level, geo_code, year) as denominator,
    status,
    -- the share's denominator is every industry's jobs: the weakest origin among them
    {{ origin_of_rank('max(' ~ origin_rank('origin') ~ ') over (partition by geo_level, geo_code, year)') }} as origin
from by_geo
