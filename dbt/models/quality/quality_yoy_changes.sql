-- For the gate's stability warning: year-on-year changes of a town's level indicators beyond
-- the catalogue's max_change_1y_pct.
with facts as (
    select
        facts.geo_code as town_id, facts.year, facts.indicator_id, facts.value,
        lag(facts.value) over (partition by facts.geo_code, facts.indicator_id order by facts.year)
            as previous,
        catalogue.max_change_1y_pct
    from {{ ref('fct_indicator_values') }} as facts
    inner join {{ ref('dim_indicator') }} as catalogue using (indicator_id)
    where facts.geo_level = 'town' and catalogue.max_change_1y_pct is not null
)

select
    town_id, year, indicator_id, value, previous,
    100.0 * (value / previous - 1) as change_pct,
    max_change_1y_pct,
    abs(100.0 * (value / previous - 1)) > max_change_1y_pct as is_large_change,
    case when abs(100.0 * (value / previous - 1)) > max_change_1y_pct
        then indicator_id || ' ' || town_id || ' ' || year || ': '
            || round(100.0 * (value / previous - 1), 1) || ' %'
    end as problem
from facts
where value is not null and previous > 0
