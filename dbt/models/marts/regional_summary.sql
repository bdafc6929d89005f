-- The third perspective, the regional role: per town and year, its weight in its region and
-- in the county, and how it pulls in commuters. The county's centralisation is in
-- county_centralisation. origin is the weakest of the row's figures' (the population is SSB's,
-- the commuting may be sample values: see fct_indicator_values for each figure's own).
with facts as (
    select * from {{ ref('fct_indicator_values') }}
),

towns as (
    select * from {{ ref('dim_town') }}
),

town_values as (
    select
        geo_code as town_id,
        year,
        max(case when indicator_id = 'population' then value end) as population,
        max(case when indicator_id = 'share_of_county_population' then value end) as share_of_county_pct,
        max(case when indicator_id = 'job_coverage_ratio' then value end) as job_coverage_ratio,
        max(case when indicator_id = 'in_commuters' then value end) as in_commuters,
        max(case when indicator_id = 'out_commuters' then value end) as out_commuters,
        {{ weakest_origin_agg('origin') }} as origin
    from facts
    where geo_level = 'town'
      and indicator_id in ('population', 'share_of_county_population', 'job_coverage_ratio',
                           'in_commuters', 'out_commuters')
    group by geo_code, year
),

region_population as (
    select geo_code as region_name, year, value as population, origin
    from facts
    where geo_level = 'region' and indicator_id = 'population'
)

select
    towns.town_id,
    towns.region_name,
    cast(town_values.year as integer) as year,
    cast(town_values.population as bigint) as population,
    cast(region_population.population as bigint) as region_population,
    100.0 * town_values.population / region_population.population as share_of_region_pct,
    town_values.share_of_county_pct,
    town_values.job_coverage_ratio,
    cast(town_values.in_commuters as bigint) as in_commuters,
    cast(town_values.out_commuters as bigint) as out_commuters,
    cast((town_values.in_commuters - town_values.out_commuters) as bigint) as net_commuting,
    {{ weakest_origin(['town_values.origin', 'region_population.origin']) }} as origin
from town_values
inner join towns using (town_id)
left join region_population
    on towns.region_name = region_population.region_name
    and town_values.year = region_population.year
