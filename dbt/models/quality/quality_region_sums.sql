-- For the gate's consistency check: the county's count equals the sum over its five regions
-- (years where every region has a figure).
with facts as (
    select * from {{ ref('fct_indicator_values') }}
    where indicator_id in ('population', 'jobs_workplace')
),

regions as (
    select year, indicator_id, sum(value) as regions_sum, count(value) as regions
    from facts where geo_level = 'region'
    group by all
)

select
    county.year,
    county.indicator_id,
    county.value as county_value,
    regions.regions_sum,
    abs(county.value - regions.regions_sum) as difference,
    case when abs(county.value - regions.regions_sum) > 0.5
        then county.indicator_id || ' ' || county.year || ': county ' || county.value
            || ', regions ' || regions.regions_sum
    end as problem
from facts as county
inner join regions using (year, indicator_id)
where county.geo_level = 'county' and regions.regions = 5 and county.value is not null
