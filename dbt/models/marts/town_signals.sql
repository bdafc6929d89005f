-- Early warnings for the ten towns (the "Varsellamper"): every rule of seed signal_rules for
-- every town and year it can be evaluated, raised or not; a raised signal has since when
-- (the first year of its run of raised years, or for a run rule the first year of the run),
-- how large (magnitude, the figure compared with the threshold), the figures behind it, one
-- sentence in bokmål and English, and its origin (the weakest of the figures it uses).
with rules as (
    select * from {{ ref('signal_rules') }}
),

towns as (
    select town_id, municipality_code from {{ ref('towns') }}
),

evaluations as (
    select towns.town_id, evaluations.*
    from {{ ref('int_signal_evaluations') }} as evaluations
    inner join towns using (municipality_code)
    union all by name
    select towns.town_id, evaluations.*
    from {{ ref('int_signal_town_evaluations') }} as evaluations
    inner join towns using (municipality_code)
),

ordered as (
    select
        *,
        coalesce(lag(is_raised) over by_signal, false)
            and lag(year) over by_signal = year - 1 as continues
    from evaluations
    window by_signal as (partition by town_id, rule_id, subject order by year)
),

islands as (
    select
        *,
        sum(case when is_raised and continues then 0 else 1 end)
            over (partition by town_id, rule_id, subject order by year rows unbounded preceding)
            as island
    from ordered
),

signals as (
    select
        islands.*,
        case when islands.is_raised then coalesce(
            islands.since_year,
            min(islands.year) over (partition by islands.town_id, islands.rule_id, islands.subject,
                                    islands.island)
        ) end as raised_since,
        rules.kind,
        rules.threshold,
        rules.threshold_2,
        rules.value_decimals,
        rules.change_decimals,
        rules.source_tables,
        rules.name_nb,
        rules.name_en,
        rules.wording_nb,
        rules.wording_en
    from islands
    inner join rules using (rule_id)
),

described as (
    select
        * exclude (since_year),
        raised_since as since_year,
        case kind
            when 'run' then years
            when 'change_vs_county' then change_value - reference_value
            when 'survey_drop' then -change_value / nullif(reference_value / threshold, 0)
            else change_value
        end as magnitude,
        case kind
            when 'run' then 'years'
            when 'trend' then 'chi_square'
            when 'survey_drop' then 'standard_errors'
            when 'jobs_vs_population' then 'percent'
            when 'change_vs_county' then 'percentage_points'
            when 'peer_band' then 'difference'
            else 'difference'
        end as magnitude_unit
    from signals
)

select
    town_id,
    cast(year as integer) as year,
    rule_id,
    subject,
    is_raised,
    cast(since_year as integer) as since_year,
    cast(start_year as integer) as start_year,
    cast(years as integer) as years,
    round(magnitude, 4) as magnitude,
    magnitude_unit,
    cast(threshold as double) as threshold,
    round(value_a, 4) as value_a,
    round(value_b, 4) as value_b,
    round(change_value, 4) as change_value,
    round(reference_value, 4) as reference_value,
    name_nb,
    name_en,
    case when is_raised then {{ signal_sentence('nb') }} end as sentence_nb,
    case when is_raised then {{ signal_sentence('en') }} end as sentence_en,
    source_tables,
    origin
from described
