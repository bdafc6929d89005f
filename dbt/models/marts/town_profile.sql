-- One row per town and year with the headline indicators: the value, the change from the year
-- before and from five years earlier, and the town's rank among the ten (1 = best, by the
-- catalogue's higher_is_better; by size where the catalogue has no direction). origin is the
-- weakest of the row's figures' (each figure's own is in fct_indicator_values).
-- The headline indicators are the registry's (seed indicators, is_headline, in report order);
-- the contract in _marts__models.yml names their columns, so a change of flags that the contract
-- does not follow fails the build.
{%- set headline_query %}
    select indicator_id from {{ ref('indicators') }} where is_headline order by report_order
{%- endset %}
{%- set headline = run_query(headline_query).columns[0].values() if execute else [] %}
with values_ as (
    select
        facts.geo_code as town_id,
        facts.year,
        facts.indicator_id,
        facts.value,
        -- the value and the two it is compared with
        greatest(
            {{ origin_rank('facts.origin') }},
            {{ origin_rank('lag(facts.origin, 1) over by_series') }},
            {{ origin_rank('lag(facts.origin, 5) over by_series') }}
        ) as origin_rank,
        facts.value - lag(facts.value, 1) over by_series as change_1y,
        facts.value - lag(facts.value, 5) over by_series as change_5y,
        case when facts.value is not null then rank() over (
            partition by facts.year, facts.indicator_id
            order by case when catalogue.higher_is_better = false then facts.value else -facts.value end
            nulls last
        ) end as rank
    from {{ ref('fct_indicator_values') }} as facts
    inner join {{ ref('dim_indicator') }} as catalogue using (indicator_id)
    where facts.geo_level = 'town'
      and facts.indicator_id in ('{{ headline | join("', '") }}')
    window by_series as (partition by facts.geo_code, facts.indicator_id order by facts.year)
)

select
    town_id,
    year,
    {%- for indicator in headline %}
    cast(max(case when indicator_id = '{{ indicator }}' then value end) as double precision) as {{ indicator }},
    cast(max(case when indicator_id = '{{ indicator }}' then change_1y end) as double precision) as {{ indicator }}_change_1y,
    cast(max(case when indicator_id = '{{ indicator }}' then change_5y end) as double precision) as {{ indicator }}_change_5y,
    cast(max(case when indicator_id = '{{ indicator }}' then rank end) as integer) as {{ indicator }}_rank,
    {%- endfor %}
    {{ origin_of_rank('max(origin_rank)') }} as origin
from values_
group by town_id, year
