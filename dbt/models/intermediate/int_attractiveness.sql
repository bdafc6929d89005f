-- Attractiveness as in Telemarksforsking's attractiveness barometer: how much more (or less)
-- a municipality gains by domestic migration than its job growth predicts.
--   y = net domestic migration in years t-2..t, in percent of the population on 1 January t-2
--   x = growth in jobs (by place of work) from year t-3 to t, in percent
-- For each year, y is regressed on x across all municipalities of Nordland with both values;
-- the residual (percentage points) is the municipality's attractiveness that year.
with measures as (
    select region_id as municipality_code, year, measure, value, origin
    from {{ ref('int_statbank__measures') }}
    where region_level = 'municipality'
      and region_id in (select municipality_code from {{ ref('nordland_municipalities') }})
      and measure in ('net_domestic_migration', 'population', 'jobs')
),

wide as (
    select
        municipality_code,
        year,
        max(case when measure = 'net_domestic_migration' then value end) as net_domestic,
        max(case when measure = 'population' then value end) as population,
        max(case when measure = 'jobs' then value end) as jobs
    from measures
    group by all
),

windows as (
    select
        municipality_code,
        year,
        -- all three years must be there: a partial sum is not a three-year figure
        case when count(net_domestic) over three_years = 3
            then sum(net_domestic) over three_years end as net_domestic_3y,
        lag(population, 2) over by_municipality as population_3y_start,
        lag(jobs, 3) over by_municipality as jobs_3y_ago,
        jobs,
        lag(year, 2) over by_municipality = year - 2
            and lag(year, 3) over by_municipality = year - 3 as has_consecutive_years
    from wide
    window
        by_municipality as (partition by municipality_code order by year),
        three_years as (partition by municipality_code order by year rows between 2 preceding and current row)
),

observations as (
    select
        municipality_code,
        year,
        100.0 * net_domestic_3y / population_3y_start as migration_3y_pct,
        100.0 * (jobs / jobs_3y_ago - 1) as job_growth_3y_pct
    from windows
    where has_consecutive_years
      and net_domestic_3y is not null
      and population_3y_start > 0
      and jobs_3y_ago > 0
      and jobs is not null
),

fits as (
    select
        year,
        regr_slope(migration_3y_pct, job_growth_3y_pct) as slope,
        regr_intercept(migration_3y_pct, job_growth_3y_pct) as intercept,
        count(*) as municipalities
    from observations
    group by year
    having count(*) >= 3
),

fit_origins as (
    -- every municipality's figures over the four years feed the fit, so every residual that
    -- year takes the weakest origin among them
    select fits.year, {{ weakest_origin_agg('measures.origin') }} as origin
    from fits
    inner join measures on measures.year between fits.year - 3 and fits.year
    group by fits.year
)

-- rounded to 6 decimals: far below what is shown, and free of floating-point noise
select
    observations.municipality_code,
    observations.year,
    round(observations.migration_3y_pct, 6) as migration_3y_pct,
    round(observations.job_growth_3y_pct, 6) as job_growth_3y_pct,
    round(fits.intercept + fits.slope * observations.job_growth_3y_pct, 6)
        as predicted_migration_3y_pct,
    round(
        observations.migration_3y_pct - (fits.intercept + fits.slope * observations.job_growth_3y_pct),
        6
    ) as attractiveness_residual,
    fits.slope,
    fits.intercept,
    fits.municipalities,
    fit_origins.origin
from observations
inner join fits using (year)
inner join fit_origins using (year)
