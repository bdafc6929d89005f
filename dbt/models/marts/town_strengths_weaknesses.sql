-- The first perspective, strengths and weaknesses: per town and year, the indicators where the
-- town differs from the ten-town median by more than a meaningful difference, in the
-- indicator's good direction (strengths) or its bad direction (weaknesses); at most
-- var('standouts_per_town') of each, the most marked first.
--
-- The threshold is the indicator's min_meaningful_difference in the catalogue; an indicator
-- without one (sizes, shares of the county, no direction) is never a strength or weakness. A
-- survey share must also differ by more than its 95 % interval (Agresti-Coull, from the town's
-- number of answers n): with few answers almost nothing qualifies. score is the difference in
-- multiples of its threshold, turned where lower is better (> 1 for a strength, < -1 for a
-- weakness). A town with nothing beyond its thresholds has no row: the page says so.
--
-- An indicator whose tables are published with a lag counts with its latest figure within
-- that lag; value_year says which year it is from. A survey item counts in its wave's year.
-- origin is the weakest among the ten towns' figures of the indicator (the median compares them).
with statistics as (
    select
        geo_code as town_id, year, indicator_id, value, value_year, origin,
        cast(null as bigint) as n
    from {{ ref('int_indicator_values_latest') }}
    where geo_level = 'town' and value is not null
),

survey as (
    select
        town_id, wave as year, 'survey_' || measure || '__' || item_id as indicator_id, value,
        wave as value_year, origin, cast(n as bigint) as n
    from {{ ref('int_survey_item_summary') }}
    where value is not null
),

candidates as (
    select
        figures.*,
        catalogue.higher_is_better,
        catalogue.unit,
        catalogue.min_meaningful_difference
    from (select * from statistics union all select * from survey) as figures
    inner join {{ ref('dim_indicator') }} as catalogue using (indicator_id)
    where catalogue.higher_is_better is not null
      and catalogue.min_meaningful_difference is not null
),

compared as (
    select
        *,
        median(value) over by_indicator as median_of_towns,
        count(*) over by_indicator as towns_with_value,
        {{ origin_of_rank('max(' ~ origin_rank('origin') ~ ') over by_indicator') }} as towns_origin
    from candidates
    window by_indicator as (partition by year, indicator_id)
),

thresholds as (
    select
        *,
        value - median_of_towns as difference,
        greatest(
            min_meaningful_difference,
            case when n is not null and unit = 'percent' then
                -- 95 % interval of a share from n answers (Agresti-Coull), in percentage points
                100 * 1.96 * sqrt(
                    ((value / 100 * n + 2) / (n + 4)) * (1 - (value / 100 * n + 2) / (n + 4))
                    / (n + 4)
                )
            end
        ) as threshold
    from compared
    where towns_with_value >= {{ var('min_towns_for_median') }}  -- a median of fewer towns says little
),

scored as (
    select
        *,
        difference / threshold * case when higher_is_better then 1 else -1 end as score
    from thresholds
    where abs(difference) > threshold
),

ranked as (
    select
        *,
        row_number() over (partition by town_id, year order by score desc) as strength_rank,
        row_number() over (partition by town_id, year order by score asc) as weakness_rank
    from scored
)

select town_id, cast(year as integer) as year, 'strength' as kind, cast(strength_rank as integer) as position,
       indicator_id, value, median_of_towns, difference, threshold, n, score,
       cast(value_year as integer) as value_year, towns_origin as origin
from ranked where strength_rank <= {{ var('standouts_per_town') }} and score > 0
union all
select town_id, cast(year as integer), 'weakness', cast(weakness_rank as integer), indicator_id, value,
       median_of_towns, difference, threshold, n, score, cast(value_year as integer), towns_origin
from ranked where weakness_rank <= {{ var('standouts_per_town') }} and score < 0
