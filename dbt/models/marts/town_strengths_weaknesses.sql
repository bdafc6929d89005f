-- The first perspective, strengths and weaknesses: per town and year, the three indicators
-- where the town stands out most above (strengths) and below (weaknesses) the ten-town median.
-- Scores are standardised: (value - median of the ten) / standard deviation of the ten, with
-- the sign turned where lower is better. Only rates and shares count (not sizes), and only
-- indicators with a direction in the catalogue. An indicator whose tables are published with a
-- lag counts with its latest figure within that lag; value_year says which year it is from.
-- origin is the weakest among the ten towns' figures of the indicator (the score compares them).
with candidates as (
    select facts.geo_code as town_id, facts.year, facts.indicator_id, facts.value,
           facts.value_year, facts.origin, catalogue.higher_is_better
    from {{ ref('int_indicator_values_latest') }} as facts
    inner join {{ ref('dim_indicator') }} as catalogue using (indicator_id)
    where facts.geo_level = 'town'
      and facts.value is not null
      and catalogue.higher_is_better is not null
      and catalogue.unit not in ('persons', 'index')
),

scored as (
    select
        *,
        median(value) over by_indicator as median_of_towns,
        (value - median(value) over by_indicator) / nullif(stddev_samp(value) over by_indicator, 0)
            * case when higher_is_better then 1 else -1 end as score,
        {{ origin_of_rank('max(' ~ origin_rank('origin') ~ ') over by_indicator') }} as towns_origin
    from candidates
    window by_indicator as (partition by year, indicator_id)
),

ranked as (
    select
        *,
        row_number() over (partition by town_id, year order by score desc) as strength_rank,
        row_number() over (partition by town_id, year order by score asc) as weakness_rank
    from scored
    where score is not null
)

select town_id, cast(year as integer) as year, 'strength' as kind, cast(strength_rank as integer) as position,
       indicator_id, value, median_of_towns, score, cast(value_year as integer) as value_year,
       towns_origin as origin
from ranked where strength_rank <= 3 and score > 0
union all
select town_id, cast(year as integer), 'weakness', cast(weakness_rank as integer), indicator_id, value,
       median_of_towns, score, cast(value_year as integer),
       towns_origin
from ranked where weakness_rank <= 3 and score < 0
