-- The series the early-warning rules (seed signal_rules) read, per municipality and year, long:
-- one row per municipality, year and series with a figure. From 07459 for every municipality in
-- Norway (population, its change, age groups and shares, women per 100 men aged 20-44); from
-- 06913, 09588 and 13470 where the warehouse has them (births, deaths, natural growth, net
-- domestic migration, jobs). Shares keep their numerator and denominator (the trend test and
-- the county's figures need them). county_code: the municipality's county (2024 borders).
with areas as (
    select municipality_code, county_code from {{ ref('municipality_area') }}
),

indicators as (
    select geo_code as municipality_code, year, indicator_id, value, numerator, denominator, origin
    from {{ ref('int_municipality_indicators') }}
    where value is not null
),

measures as (
    select region_id as municipality_code, year, measure, value, origin
    from {{ ref('int_statbank__measures') }}
    where region_level = 'municipality'
      and measure in ('births', 'deaths', 'net_domestic_migration', 'jobs')
      and value is not null
),

series as (
    select municipality_code, year, indicator_id as series, value, numerator, denominator, origin
    from indicators
    where indicator_id in ('population', 'share_age_0_19', 'share_age_20_66', 'share_age_67_plus',
                           'women_per_100_men_20_44')
    union all
    select municipality_code, year, 'pop_0_19', numerator, numerator, null, origin
    from indicators where indicator_id = 'share_age_0_19'
    union all
    select municipality_code, year, 'pop_20_44', numerator + denominator, numerator + denominator,
           null, origin
    from indicators where indicator_id = 'women_per_100_men_20_44'
    union all
    select municipality_code, year, measure, value, value, null, origin
    from measures
    union all
    select births.municipality_code, births.year, 'natural_growth', births.value - deaths.value,
           null, null, {{ weakest_origin(['births.origin', 'deaths.origin']) }}
    from measures as births
    inner join measures as deaths using (municipality_code, year)
    where births.measure = 'births' and deaths.measure = 'deaths'
    union all
    select now.municipality_code, now.year, 'population_change_1y', now.value - before.value,
           null, null, {{ weakest_origin(['now.origin', 'before.origin']) }}
    from indicators as now
    inner join indicators as before
        on before.municipality_code = now.municipality_code
        and before.indicator_id = now.indicator_id
        and before.year = now.year - 1
    where now.indicator_id = 'population'
)

select series.municipality_code, areas.county_code, series.year, series.series,
       series.value, series.numerator, series.denominator, series.origin
from series
inner join areas using (municipality_code)
