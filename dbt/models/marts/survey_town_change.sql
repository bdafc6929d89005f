-- The survey over time: per town, item and measure, the change from one wave to the next with
-- its 95 % interval from the answers of both waves.
--
-- Shares (share_yes, share_agree): Agresti-Caffo, the two-sample form of the Agresti-Coull
-- interval the strengths and weaknesses use: one success and one failure added to each wave,
-- p~ = (x + 1) / (n + 2), interval (p~2 - p~1) +- 1.96 * sqrt(p~1(1 - p~1)/(n1 + 2) +
-- p~2(1 - p~2)/(n2 + 2)), in percentage points. Mean agreement (1-5): change +- 1.96 *
-- sqrt(s1²/n1 + s2²/n2) from the sample variances. change is the observed difference; the
-- interval of a share is centred on the adjusted difference, so it is not quite symmetric
-- around it; both ends are rounded to 4 decimals. is_beyond_uncertainty: the interval excludes 0 (the report states the change in
-- words only then).
--
-- Suppressed (values, change and interval NULL, is_suppressed true) when either wave has fewer
-- than small_cell_n answers. origin is the weaker of the two waves'.
with waves as (
    select
        *,
        lag(wave) over by_item as from_wave,
        lag(n) over by_item as n_from,
        lag(successes) over by_item as successes_from,
        lag(value) over by_item as value_from_raw,
        lag(variance) over by_item as variance_from,
        lag(origin) over by_item as origin_from
    from {{ ref('int_survey_item_waves') }}
    window by_item as (partition by town_id, item_id, measure order by wave)
),

pairs as (
    select
        *,
        n_from < {{ var('small_cell_n') }} or n < {{ var('small_cell_n') }} as is_suppressed,
        case
            when measure = 'mean_agreement' then value - value_from_raw
            else 100.0 * ((successes + 1) / (n + 2.0) - (successes_from + 1) / (n_from + 2.0))
        end as centre,
        case
            when measure = 'mean_agreement' then 1.96 * sqrt(variance_from / n_from + variance / n)
            else 100.0 * 1.96 * sqrt(
                ((successes_from + 1) / (n_from + 2.0)) * (1 - (successes_from + 1) / (n_from + 2.0))
                    / (n_from + 2.0)
                + ((successes + 1) / (n + 2.0)) * (1 - (successes + 1) / (n + 2.0)) / (n + 2.0)
            )
        end as half_width
    from waves
    where from_wave is not null
)

select
    pairs.town_id,
    pairs.item_id,
    pairs.item_group,
    items.label_nb as item_label_nb,
    items.label_en as item_label_en,
    pairs.measure,
    cast(pairs.from_wave as integer) as from_wave,
    cast(pairs.wave as integer) as to_wave,
    cast(pairs.n_from as bigint) as n_from,
    cast(pairs.n as bigint) as n_to,
    case when not pairs.is_suppressed then pairs.value_from_raw end as value_from,
    case when not pairs.is_suppressed then pairs.value end as value_to,
    case when not pairs.is_suppressed then pairs.value - pairs.value_from_raw end as change,
    case when not pairs.is_suppressed then round(pairs.centre - pairs.half_width, 4) end as ci_low,
    case when not pairs.is_suppressed then round(pairs.centre + pairs.half_width, 4) end as ci_high,
    case
        when not pairs.is_suppressed
            then pairs.centre - pairs.half_width > 0 or pairs.centre + pairs.half_width < 0
    end as is_beyond_uncertainty,
    pairs.is_suppressed,
    {{ weakest_origin(['pairs.origin_from', 'pairs.origin']) }} as origin
from pairs
inner join {{ ref('stg_survey__items') }} as items
    on pairs.item_id = items.item_id and pairs.item_group = items.item_group
