-- For the gate's validity check: each value against its indicator's plausible bounds.
select
    facts.geo_level, facts.geo_code, facts.year, facts.indicator_id, facts.value,
    catalogue.min_value, catalogue.max_value,
    case when facts.value is not null then
        facts.value >= coalesce(catalogue.min_value, facts.value)
        and facts.value <= coalesce(catalogue.max_value, facts.value)
    end as within_bounds,
    case when facts.value < catalogue.min_value or facts.value > catalogue.max_value
        then facts.indicator_id || ' ' || facts.geo_code || ' ' || facts.year || ': '
            || round(facts.value, 2) || ' outside ' || coalesce(catalogue.min_value::varchar, '')
            || '–' || coalesce(catalogue.max_value::varchar, '')
    end as problem
from {{ ref('fct_indicator_values') }} as facts
inner join {{ ref('dim_indicator') }} as catalogue using (indicator_id)
