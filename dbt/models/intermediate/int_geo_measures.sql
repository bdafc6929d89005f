-- Base measures per geography (town, region, county, country) and year, summed from their
-- municipalities: rates are later computed from these sums, never averaged.
-- For the county, StatBank's own county figure is used where the table has one (its summed
-- series stay comparable across the 2020 reform, which the sum of today's municipalities does
-- not); Norway is StatBank's national figure.
with measures as (
    select * from {{ ref('int_statbank__measures') }}
),

members as (
    select * from {{ ref('int_geo_members') }}
),

from_members as (
    select
        members.geo_level,
        members.geo_code,
        measures.year,
        measures.measure,
        case when count(measures.value) = count(*) then sum(measures.value) end as value,
        case
            when count(measures.value) < count(*)
                then coalesce({{ worst_value_status_agg('measures.status') }}, 'missing')
        end as status,
        {{ weakest_origin_agg('measures.origin') }} as origin,
        count(*) as member_count
    from members
    inner join measures
        on measures.region_level = 'municipality'
        and measures.region_id = members.municipality_code
    group by all
),

expected_members as (
    select geo_level, geo_code, count(*) as expected from members group by all
),

complete as (
    -- a geography is only summed where every member has a row for the measure and year
    select
        from_members.geo_level,
        from_members.geo_code,
        from_members.year,
        from_members.measure,
        case when from_members.member_count = expected_members.expected then from_members.value end
            as value,
        case
            when from_members.member_count < expected_members.expected then 'missing'
            else from_members.status
        end as status,
        from_members.origin
    from from_members
    inner join expected_members using (geo_level, geo_code)
),

county_from_statbank as (
    select 'county' as geo_level, region_id as geo_code, year, measure, value, status, origin
    from measures
    where region_level = 'county' and region_id = '{{ var("county_code") }}'
),

country as (
    select 'country' as geo_level, 'NO' as geo_code, year, measure, value, status, origin
    from measures
    where region_level = 'country'
)

select complete.*
from complete
left join county_from_statbank as county
    on complete.geo_level = 'county'
    and complete.year = county.year
    and complete.measure = county.measure
where county.measure is null
union all
select * from county_from_statbank
union all
select * from country
