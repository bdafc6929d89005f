{#-
  One indicator row per geography and year: value = numerator / denominator * scale, with the
  numerator and denominator kept, a status that says why the value is missing, and the weakest
  origin of its measures (by default the origin columns beside the two status columns, e.g.
  births_origin for births_status; `origins` names them where that does not fit).
-#}
{% macro ratio_indicator(indicator_id, numerator, denominator, scale=1, num_status=none, den_status=none, origins=none) %}
{%- if origins is none -%}
{%- set origins = [] -%}
{%- for status in [num_status, den_status] if status %}{% do origins.append(status | replace('_status', '_origin')) %}{% endfor -%}
{%- endif %}
select
    geo_level,
    geo_code,
    year,
    '{{ indicator_id }}' as indicator_id,
    case when ({{ denominator }}) <> 0 then ({{ numerator }}) / ({{ denominator }}) * {{ scale }} end as value,
    ({{ numerator }})::double as numerator,
    ({{ denominator }})::double as denominator,
    coalesce({{ worst_value_status([num_status or 'null', den_status or 'null']) }},
        case when ({{ numerator }}) is null or ({{ denominator }}) is null then 'missing' end
    ) as status,
    {{ weakest_origin(origins) }} as origin
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
    coalesce({{ measure }}_status, case when {{ measure }} is null then 'missing' end) as status,
    {{ measure }}_origin as origin
from wide
{% endmacro %}
