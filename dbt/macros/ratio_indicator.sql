{#-
  One indicator row per geography and year: value = numerator / denominator * scale, with the
  numerator and denominator kept, and a status that says why the value is missing.
-#}
{% macro ratio_indicator(indicator_id, numerator, denominator, scale=1, num_status=none, den_status=none) %}
select
    geo_level,
    geo_code,
    year,
    '{{ indicator_id }}' as indicator_id,
    case when ({{ denominator }}) <> 0 then ({{ numerator }}) / ({{ denominator }}) * {{ scale }} end as value,
    ({{ numerator }})::double as numerator,
    ({{ denominator }})::double as denominator,
    coalesce({{ num_status or 'null' }}, {{ den_status or 'null' }},
        case when ({{ numerator }}) is null or ({{ denominator }}) is null then 'missing_at_source' end
    ) as status
from wide
{% endmacro %}

{% macro level_indicator(indicator_id, measure) %}
select
    geo_level,
    geo_code,
    year,
    '{{ indicator_id }}' as indicator_id,
    {{ measure }}::double as value,
    {{ measure }}::double as numerator,
    null::double as denominator,
    coalesce({{ measure }}_status, case when {{ measure }} is null then 'missing_at_source' end) as status
from wide
{% endmacro %}
