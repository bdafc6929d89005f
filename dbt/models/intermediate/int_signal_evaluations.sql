-- The early-warning rules of seed signal_rules evaluated for every municipality and year with
-- the figures a rule needs (07459's rules for all of Norway, which the back-test uses; the
-- others where their tables reach). One row per rule, municipality and year, raised or not:
-- * run: the series is below `threshold` at least `window_years` years running (population
--   change, natural growth, net domestic migration); since_year is the first year of the run;
-- * change: the series changed over `window_years` by at least `threshold` in the unfavourable
--   `direction` (percent for counts, the difference for shares and ratios);
-- * change_vs_county: the same, measured against the county's change over the same years (the
--   county: its municipalities with figures in both years, counts summed, shares from summed
--   numerators and denominators);
-- * trend: chi-square test for linear trend in a proportion (Armitage) on the last
--   `window_years` values: raised when chi-square > `threshold` (3.841: 5 %, 1 degree of
--   freedom), the slope is unfavourable and at least `threshold_2` of the yearly steps go the
--   slope's way (stability);
-- * jobs_vs_population: jobs fell by at least `threshold` % over `window_years` while the
--   population changed by `threshold_2` % or more.
-- Magnitudes are compared rounded to 4 decimals, so a value at the threshold is raised.
with rules as (
    select * from {{ ref('signal_rules') }}
),

inputs as (
    select * from {{ ref('int_signal_inputs') }}
),

-- ---- run
run_rows as (
    select
        rules.rule_id,
        rules.series,
        rules.window_years,
        inputs.municipality_code,
        inputs.year,
        inputs.value,
        inputs.origin,
        inputs.value < rules.threshold as is_bad,
        coalesce(lag(inputs.value < rules.threshold) over by_unit, false)
            and lag(inputs.year) over by_unit = inputs.year - 1 as continues_a_run
    from inputs
    inner join rules on rules.kind = 'run' and inputs.series = rules.series
    window by_unit as (partition by rules.rule_id, inputs.municipality_code order by inputs.year)
),

run_islands as (
    select
        *,
        sum(case when is_bad and continues_a_run then 0 else 1 end)
            over (by_unit rows unbounded preceding) as island
    from run_rows
    window by_unit as (partition by rule_id, municipality_code order by year)
),

runs as (
    select
        *,
        case when is_bad then row_number() over by_island else 0 end as run_years,
        case when is_bad then min(year) over by_island end as since_year,
        case when is_bad then sum(value) over (by_island rows unbounded preceding) end as run_total
    from run_islands
    window by_island as (partition by rule_id, municipality_code, island order by year)
),

run_evaluations as (
    select
        runs.rule_id,
        runs.municipality_code,
        runs.year,
        runs.run_years >= runs.window_years as is_raised,
        runs.since_year,
        coalesce(runs.since_year, runs.year) - 1 as start_year,
        runs.run_years as years,
        case runs.series
            when 'population_change_1y' then population_start.value
            when 'natural_growth' then deaths.value
        end as value_a,
        case runs.series
            when 'population_change_1y' then population_now.value
            when 'natural_growth' then births.value
            else runs.value
        end as value_b,
        case runs.series
            when 'population_change_1y'
                then 100.0 * (population_now.value / population_start.value - 1)
            else runs.run_total
        end as change_value,
        null::double as reference_value,
        runs.origin
    from runs
    left join inputs as population_now
        on population_now.series = 'population'
        and population_now.municipality_code = runs.municipality_code
        and population_now.year = runs.year
    left join inputs as population_start
        on population_start.series = 'population'
        and population_start.municipality_code = runs.municipality_code
        and population_start.year = runs.since_year - 1
    left join inputs as births
        on births.series = 'births'
        and births.municipality_code = runs.municipality_code
        and births.year = runs.year
    left join inputs as deaths
        on deaths.series = 'deaths'
        and deaths.municipality_code = runs.municipality_code
        and deaths.year = runs.year
),

-- ---- change and change_vs_county
changes as (
    select
        rules.rule_id,
        rules.kind,
        rules.direction,
        rules.threshold,
        rules.window_years,
        now.municipality_code,
        now.county_code,
        now.year,
        before.year as start_year,
        before.value as value_a,
        now.value as value_b,
        now.numerator,
        now.denominator,
        before.numerator as numerator_before,
        before.denominator as denominator_before,
        case when now.denominator is null then 100.0 * (now.value / before.value - 1)
            else now.value - before.value end as change_value,
        {{ weakest_origin(['now.origin', 'before.origin']) }} as origin
    from inputs as now
    inner join rules on rules.kind in ('change', 'change_vs_county') and now.series = rules.series
    inner join inputs as before
        on before.municipality_code = now.municipality_code
        and before.series = now.series
        and before.year = now.year - rules.window_years
),

county_changes as (
    select
        rule_id,
        county_code,
        year,
        case when count(denominator) = 0 then 100.0 * (sum(value_b) / sum(value_a) - 1)
            else 100.0 * sum(numerator) / sum(denominator)
                - 100.0 * sum(numerator_before) / sum(denominator_before)
        end as county_change,
        {{ weakest_origin_agg('origin') }} as origin
    from changes
    where kind = 'change_vs_county'
    group by all
),

change_evaluations as (
    select
        changes.rule_id,
        changes.municipality_code,
        changes.year,
        case changes.direction
            when 'falling' then round(changes.change_value - coalesce(county.county_change, 0), 4)
                <= -changes.threshold
            else round(changes.change_value - coalesce(county.county_change, 0), 4)
                >= changes.threshold
        end and (changes.kind = 'change' or county.county_change is not null) as is_raised,
        null::integer as since_year,
        changes.start_year,
        changes.window_years as years,
        changes.value_a,
        changes.value_b,
        changes.change_value,
        county.county_change as reference_value,
        {{ weakest_origin(['changes.origin', 'coalesce(county.origin, changes.origin)']) }} as origin
    from changes
    left join county_changes as county
        on changes.kind = 'change_vs_county'
        and county.rule_id = changes.rule_id
        and county.county_code = changes.county_code
        and county.year = changes.year
),

-- ---- trend (Armitage's chi-square test for linear trend in a proportion)
trend_points as (
    select
        rules.rule_id,
        rules.direction,
        rules.threshold,
        rules.threshold_2,
        rules.window_years,
        last_point.municipality_code,
        last_point.year as end_year,
        point.year,
        point.year - (last_point.year - rules.window_years + 1) as score,
        point.numerator as cases,
        point.denominator as persons,
        point.value,
        point.value - lag(point.value) over (
            partition by rules.rule_id, last_point.municipality_code, last_point.year
            order by point.year
        ) as step,
        point.origin
    from inputs as last_point
    inner join rules on rules.kind = 'trend' and last_point.series = rules.series
    inner join inputs as point
        on point.municipality_code = last_point.municipality_code
        and point.series = last_point.series
        and point.year between last_point.year - rules.window_years + 1 and last_point.year
    where point.numerator is not null and point.denominator > 0
),

trend_sums as (
    select
        rule_id,
        municipality_code,
        end_year as year,
        any_value(direction) as direction,
        any_value(threshold) as threshold,
        any_value(threshold_2) as threshold_2,
        any_value(window_years) as window_years,
        count(*) as points,
        sum(cases) / sum(persons) as p,
        sum(score * cases) - sum(cases) / sum(persons) * sum(score * persons) as t,
        sum(score * score * persons) - sum(score * persons) ^ 2 / sum(persons) as spread,
        count(*) filter (where step < 0) as steps_down,
        count(*) filter (where step > 0) as steps_up,
        arg_min(value, year) as value_a,
        arg_max(value, year) as value_b,
        min(year) as start_year,
        {{ weakest_origin_agg('origin') }} as origin
    from trend_points
    group by rule_id, municipality_code, end_year
),

trend_evaluations as (
    select
        rule_id,
        municipality_code,
        year,
        points = window_years
            and round(t * t / nullif(p * (1 - p) * spread, 0), 4) > threshold
            and case direction when 'falling' then t < 0 else t > 0 end
            and case when t < 0 then steps_down else steps_up end >= threshold_2 as is_raised,
        null::integer as since_year,
        start_year,
        window_years as years,
        value_a,
        value_b,
        t * t / nullif(p * (1 - p) * spread, 0) as change_value,
        null::double as reference_value,
        origin
    from trend_sums
),

-- ---- jobs falling while the population holds
jobs_evaluations as (
    select
        rules.rule_id,
        jobs.municipality_code,
        jobs.year,
        round(100.0 * (jobs.value / jobs_before.value - 1), 4) <= -rules.threshold
            and round(100.0 * (population.value / population_before.value - 1), 4)
                >= rules.threshold_2 as is_raised,
        null::integer as since_year,
        jobs_before.year as start_year,
        rules.window_years as years,
        jobs_before.value as value_a,
        jobs.value as value_b,
        100.0 * (jobs.value / jobs_before.value - 1) as change_value,
        100.0 * (population.value / population_before.value - 1) as reference_value,
        {{ weakest_origin(['jobs.origin', 'jobs_before.origin', 'population.origin',
                           'population_before.origin']) }} as origin
    from inputs as jobs
    inner join rules on rules.kind = 'jobs_vs_population' and jobs.series = rules.series
    inner join inputs as jobs_before
        on jobs_before.municipality_code = jobs.municipality_code
        and jobs_before.series = jobs.series
        and jobs_before.year = jobs.year - rules.window_years
    inner join inputs as population
        on population.municipality_code = jobs.municipality_code
        and population.series = 'population'
        and population.year = jobs.year
    inner join inputs as population_before
        on population_before.municipality_code = jobs.municipality_code
        and population_before.series = 'population'
        and population_before.year = jobs_before.year
)

select * from run_evaluations
union all by name
select * from change_evaluations
union all by name
select * from trend_evaluations
union all by name
select * from jobs_evaluations
