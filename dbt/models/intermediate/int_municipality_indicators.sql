-- The indicators of 07459 (population by sex and age) for every municipality in Norway and
-- year, with the same definitions as the towns' (macro population_indicators), and population
-- density: persons on 1 January per km² of the municipality's area (seed municipality_area).
-- Where 13470 (jobs by place of work and industry) covers a municipality, its economic
-- structure too: jobs (jobs_workplace), jobs per 100 residents aged 20–66 and the share of jobs
-- in each economic group of industries (seed nace_groups.economic_group; job_share_<group>).
-- Used to find each town's peers across Norway and to compare the town with them.
{%- set measures = ['population', 'pop_0_19', 'pop_20_66', 'pop_67_plus', 'pop_80_plus',
    'women_20_44', 'men_20_44', 'jobs'] %}
with areas as (
    select municipality_code, area_km2 from {{ ref('municipality_area') }}
),

measures as (
    select region_id as geo_code, year, measure, value, status, origin
    from {{ ref('int_statbank__measures') }}
    where region_level = 'municipality'
      and region_id in (select municipality_code from areas)
      and measure in ({% for m in measures %}'{{ m }}'{{ ', ' if not loop.last }}{% endfor %})
),

spine as (
    select geos.geo_code, year.year
    from (select geo_code, min(year) as first_year, max(year) as last_year from measures group by all) as geos
    cross join lateral (
        select unnest(range(geos.first_year, geos.last_year + 1))::integer as year
    ) as year
),

pivoted as (
    select
        'municipality' as geo_level,
        spine.geo_code,
        spine.year,
        {%- for m in measures %}
        max(case when measures.measure = '{{ m }}' then measures.value end) as {{ m }},
        max(case when measures.measure = '{{ m }}' then measures.status end) as {{ m }}_status,
        max(case when measures.measure = '{{ m }}' then measures.origin end) as {{ m }}_origin,
        {%- endfor %}
        max(areas.area_km2) as area_km2
    from spine
    left join measures using (geo_code, year)
    left join areas on spine.geo_code = areas.municipality_code
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
        lag(population_origin, 10) over by_geo as population_10y_ago_origin
    from pivoted
    window by_geo as (partition by geo_code order by year)
)

, economic_groups as (
    select
        shares.municipality_code as geo_code,
        shares.year,
        groups.economic_group,
        sum(shares.jobs) as jobs,
        max(shares.jobs_total) as jobs_total,
        {{ weakest_origin_agg('shares.origin') }} as origin
    from {{ ref('int_municipality_industry_shares') }} as shares
    inner join {{ ref('nace_groups') }} as groups using (nace_code)
    where groups.economic_group <> 'other'
      and shares.municipality_code in (select municipality_code from areas)
    group by all
)

{{ population_indicators() }}
union all
{{ ratio_indicator('population_density', 'population', 'area_km2', 1, 'population_status', none, ['population_origin']) }}
union all
{{ level_indicator('jobs_workplace', 'jobs') }}
where jobs is not null
union all
{{ ratio_indicator('jobs_per_100_aged_20_66', 'jobs', 'pop_20_66', 100, 'jobs_status', 'pop_20_66_status') }}
where jobs is not null
union all
select
    'municipality' as geo_level,
    geo_code,
    year,
    'job_share_' || economic_group as indicator_id,
    case when jobs_total <> 0 then 100.0 * jobs / jobs_total end as value,
    jobs::double as numerator,
    jobs_total::double as denominator,
    case when jobs_total is null or jobs_total = 0 then 'missing' end as status,
    origin
from economic_groups
