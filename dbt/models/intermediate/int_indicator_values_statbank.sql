-- Indicators from the statistics for every geography and year: ratios of summed measures,
-- changes over 1, 5 and 10 years, each with its numerator, denominator, a status that says
-- why a value is missing (the worst of its measures', macros/value_status.sql) and the weakest
-- origin of the measures it is computed from.
{%- set measures = ['population', 'pop_0_19', 'pop_20_66', 'pop_67_plus', 'pop_80_plus',
    'women_20_44', 'men_20_44', 'births', 'deaths', 'net_domestic_migration', 'net_immigration',
    'immigrants', 'jobs', 'private_sector_jobs', 'sector_jobs', 'employed_residents',
    'jobs_located', 'in_commuters', 'out_commuters', 'establishments', 'new_enterprises',
    'persons_16_plus', 'higher_education'] %}
with measures as (
    select * from {{ ref('int_geo_measures') }}
),

geos as (
    select geo_level, geo_code, min(year) as first_year, max(year) as last_year
    from measures
    group by all
),

spine as (
    select geos.geo_level, geos.geo_code, year.year
    from geos
    cross join lateral (
        select unnest(range(geos.first_year, geos.last_year + 1)) as year
    ) as year
),

pivoted as (
    select
        spine.geo_level,
        spine.geo_code,
        spine.year,
        {%- for m in measures %}
        max(case when measures.measure = '{{ m }}' then measures.value end) as {{ m }},
        max(case when measures.measure = '{{ m }}' then measures.status end) as {{ m }}_status,
        max(case when measures.measure = '{{ m }}' then measures.origin end) as {{ m }}_origin{{ ',' if not loop.last }}
        {%- endfor %}
    from spine
    left join measures
        on spine.geo_level = measures.geo_level
        and spine.geo_code = measures.geo_code
        and spine.year = measures.year
    group by all
),

wide as (
    select
        *,
        lag(population, 1) over by_geo as population_1y_ago,
        lag(population_status, 1) over by_geo as population_1y_ago_status,
        lag(population_origin, 1) over by_geo as population_1y_ago_origin,
        lag(population, 10) over by_geo as population_10y_ago,
        lag(population_status, 10) over by_geo as population_10y_ago_status,
        lag(population_origin, 10) over by_geo as population_10y_ago_origin,
        lag(jobs, 1) over by_geo as jobs_1y_ago,
        lag(jobs_status, 1) over by_geo as jobs_1y_ago_status,
        lag(jobs_origin, 1) over by_geo as jobs_1y_ago_origin,
        lag(jobs, 5) over by_geo as jobs_5y_ago,
        lag(jobs_status, 5) over by_geo as jobs_5y_ago_status,
        lag(jobs_origin, 5) over by_geo as jobs_5y_ago_origin
    from pivoted
    window by_geo as (partition by geo_level, geo_code order by year)
)

{{ population_indicators() }}
union all
{{ ratio_indicator('births_per_1000', 'births', 'population', 1000, 'births_status', 'population_status') }}
union all
{{ ratio_indicator('deaths_per_1000', 'deaths', 'population', 1000, 'deaths_status', 'population_status') }}
union all
{{ ratio_indicator('natural_growth_per_1000', 'births - deaths', 'population', 1000, 'coalesce(births_status, deaths_status)', 'population_status', ['births_origin', 'deaths_origin', 'population_origin']) }}
union all
{{ ratio_indicator('net_domestic_migration_per_1000', 'net_domestic_migration', 'population', 1000, 'net_domestic_migration_status', 'population_status') }}
union all
{{ ratio_indicator('net_international_migration_per_1000', 'net_immigration', 'population', 1000, 'net_immigration_status', 'population_status') }}
union all
{{ ratio_indicator('immigrant_share', 'immigrants', 'population', 100, 'immigrants_status', 'population_status') }}
union all
{{ level_indicator('jobs_workplace', 'jobs') }}
union all
{{ ratio_indicator('jobs_change_1y_pct', 'jobs - jobs_1y_ago', 'jobs_1y_ago', 100, 'jobs_status', 'jobs_1y_ago_status') }}
union all
{{ ratio_indicator('jobs_change_5y_pct', 'jobs - jobs_5y_ago', 'jobs_5y_ago', 100, 'jobs_status', 'jobs_5y_ago_status') }}
union all
{{ ratio_indicator('private_sector_job_share', 'private_sector_jobs', 'sector_jobs', 100, 'private_sector_jobs_status', 'sector_jobs_status') }}
union all
{{ ratio_indicator('job_coverage_ratio', 'jobs_located', 'employed_residents', 1, 'jobs_located_status', 'employed_residents_status') }}
union all
{{ level_indicator('in_commuters', 'in_commuters') }}
union all
{{ level_indicator('out_commuters', 'out_commuters') }}
union all
{{ ratio_indicator('establishments_per_1000', 'establishments', 'population', 1000, 'establishments_status', 'population_status') }}
union all
{{ ratio_indicator('new_enterprises_per_1000', 'new_enterprises', 'population', 1000, 'new_enterprises_status', 'population_status') }}
union all
{{ ratio_indicator('share_higher_education', 'higher_education', 'persons_16_plus', 100, 'higher_education_status', 'persons_16_plus_status') }}
