-- How the early-warning rules would have done: every rule of seed signal_rules with its
-- threshold and method, and for the rules with an outcome (those on SSB's population series,
-- 07459, from 2005) the back-test over every municipality in Norway: each municipality and
-- year where the rule could be evaluated and the outcome `horizon_years` later is known counts
-- once. hit_rate: of the signals, the share followed by the outcome they warn of; false-alarm
-- rate: the share not followed by it; base rate: how often the outcome came anyway (with or
-- without a signal); outcomes warned: of the outcomes, the share a signal came before.
-- Outcomes: population_lower (population lower `horizon_years` later), children_lower (the
-- number aged 0-19 lower), share_lower (the rule's share lower), ageing_faster (the share aged
-- 67+ rises more than the county's over the horizon).
with rules as (
    select * from {{ ref('signal_rules') }}
),

inputs as (
    select * from {{ ref('int_signal_inputs') }}
),

outcome_series as (
    select
        rule_id,
        outcome,
        horizon_years,
        case outcome
            when 'population_lower' then 'population'
            when 'children_lower' then 'pop_0_19'
            when 'ageing_faster' then 'share_age_67_plus'
            else series
        end as outcome_series
    from rules
    where outcome is not null
),

pairs as (
    select
        outcome_series.rule_id,
        outcome_series.outcome,
        now.municipality_code,
        now.county_code,
        now.year,
        now.value as value_now,
        later.value as value_later,
        now.numerator as numerator_now,
        now.denominator as denominator_now,
        later.numerator as numerator_later,
        later.denominator as denominator_later,
        {{ weakest_origin(['now.origin', 'later.origin']) }} as origin
    from outcome_series
    inner join inputs as now on now.series = outcome_series.outcome_series
    inner join inputs as later
        on later.municipality_code = now.municipality_code
        and later.series = now.series
        and later.year = now.year + outcome_series.horizon_years
),

county as (
    select
        rule_id,
        county_code,
        year,
        100.0 * sum(numerator_later) / sum(denominator_later)
            - 100.0 * sum(numerator_now) / sum(denominator_now) as county_change
    from pairs
    where outcome = 'ageing_faster'
    group by all
),

judged as (
    select
        pairs.rule_id,
        pairs.municipality_code,
        pairs.year,
        case pairs.outcome
            when 'ageing_faster'
                then pairs.value_later - pairs.value_now - county.county_change > 0
            else pairs.value_later < pairs.value_now
        end as happened,
        pairs.origin
    from pairs
    left join county
        on county.rule_id = pairs.rule_id
        and county.county_code = pairs.county_code
        and county.year = pairs.year
),

tested as (
    select
        evaluations.rule_id,
        count(distinct evaluations.municipality_code) as municipalities,
        min(evaluations.year) as first_year,
        max(evaluations.year) as last_year,
        count(*) as evaluated,
        count(*) filter (where evaluations.is_raised) as signals,
        count(*) filter (where evaluations.is_raised and judged.happened) as hits,
        count(*) filter (where evaluations.is_raised and not judged.happened) as false_alarms,
        count(*) filter (where judged.happened) as outcomes,
        {{ origin_of_rank('greatest(max(' ~ origin_rank('evaluations.origin') ~ '), max(' ~ origin_rank('judged.origin') ~ '))') }} as origin
    from {{ ref('int_signal_evaluations') }} as evaluations
    inner join judged using (rule_id, municipality_code, year)
    where judged.happened is not null and evaluations.is_raised is not null
    group by evaluations.rule_id
)

select
    rules.rule_id,
    cast(rules.sort_order as integer) as sort_order,
    rules.kind,
    rules.series,
    rules.answered_by,
    rules.name_nb,
    rules.name_en,
    cast(rules.window_years as integer) as window_years,
    cast(rules.threshold as double) as threshold,
    cast(rules.threshold_2 as double) as threshold_2,
    rules.source_tables,
    {%- for lang in ['nb', 'en'] %}
    replace(replace(replace(replace(rules.method_{{ lang }},
        '{window}', rules.window_years::varchar),
        '{threshold}', {{ number_text('rules.threshold', decimals_needed('rules.threshold'), lang) }}),
        '{threshold_2}', {{ number_text('rules.threshold_2', decimals_needed('rules.threshold_2'), lang) }}),
        '{upper}', {{ number_text('100 - rules.threshold', 0, lang) }}) as method_{{ lang }},
    {%- endfor %}
    rules.outcome,
    cast(rules.horizon_years as integer) as horizon_years,
    rules.backtest_nb,
    rules.backtest_en,
    tested.rule_id is not null as is_backtested,
    cast(tested.municipalities as integer) as municipalities,
    cast(tested.first_year as integer) as first_year,
    cast(tested.last_year as integer) as last_year,
    cast(tested.evaluated as integer) as evaluated,
    cast(tested.signals as integer) as signals,
    cast(tested.hits as integer) as hits,
    cast(tested.false_alarms as integer) as false_alarms,
    round(100.0 * tested.hits / nullif(tested.signals, 0), 1) as hit_rate_pct,
    round(100.0 * tested.false_alarms / nullif(tested.signals, 0), 1) as false_alarm_rate_pct,
    round(100.0 * tested.outcomes / nullif(tested.evaluated, 0), 1) as base_rate_pct,
    round(100.0 * tested.hits / nullif(tested.outcomes, 0), 1) as outcomes_warned_pct,
    tested.origin
from rules
left join tested using (rule_id)
