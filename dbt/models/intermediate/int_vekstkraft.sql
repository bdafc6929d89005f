-- The growth-potential index (vekstkraft) per town and year:
-- 1. each indicator in the index_weights seed is standardised across the ten towns that year
--    (z = (value - mean) / standard deviation), with the sign turned where lower is better;
--    an indicator whose tables are published with a lag counts with its latest figure within
--    that lag (int_indicator_values_latest), as the report for the year shows it;
-- 2. the index score is the weighted mean of the z-scores the town has (weights re-scaled to
--    the indicators present; at least half the total weight must be present);
-- 3. the score is scaled 0-100 among the ten towns that year (lowest 0, highest 100) and ranked;
-- 4. its origin is the weakest of the figures of every town that year (official, estimate, sample).
with values_ as (
    select indicators.geo_code as town_id, indicators.year, indicators.indicator_id, indicators.value,
           indicators.origin, weights.weight, catalogue.higher_is_better
    from {{ ref('int_indicator_values_latest') }} as indicators
    inner join {{ ref('index_weights') }} as weights using (indicator_id)
    inner join {{ ref('indicators') }} as catalogue using (indicator_id)
    where indicators.geo_level = 'town'
),

standardised as (
    select
        *,
        (value - avg(value) over by_indicator) / nullif(stddev_samp(value) over by_indicator, 0)
            * case when higher_is_better = false then -1 else 1 end as z
    from values_
    window by_indicator as (partition by year, indicator_id)
),

scores as (
    select
        town_id,
        year,
        sum(weight * z) / nullif(sum(case when z is not null then weight end), 0) as score,
        sum(case when z is not null then weight end) / sum(weight) as weight_covered,
        count(z) as indicators_used,
        -- the index's indicators the town has no figure (or no standardised value) for
        string_agg(indicator_id, ',' order by indicator_id) filter (where z is null)
            as indicators_missing,
        max(case when value is not null then {{ origin_rank('origin') }} end) as origin_rank
    from standardised
    group by town_id, year
),

eligible as (
    select *, case when weight_covered >= 0.5 then score end as eligible_score from scores
)

select
    town_id,
    year,
    eligible_score as score,
    round(
        100.0 * (eligible_score - min(eligible_score) over by_year)
        / nullif(max(eligible_score) over by_year - min(eligible_score) over by_year, 0),
        6
    ) as index_0_100,
    case when eligible_score is not null
        then rank() over (partition by year order by eligible_score desc nulls last) end as rank,
    weight_covered,
    indicators_used,
    indicators_missing,
    case when eligible_score is null then 'missing' end as status,
    -- each town's index depends on every town's figures that year: the weakest origin among them
    {{ origin_of_rank('max(origin_rank) over by_year') }} as origin
from eligible
window by_year as (partition by year)
