{#- A change from `earlier` to `later` as measure_progress compares it: in percent of the earlier
    value for a count (`is_count`), else the difference in the indicator's unit. -#}
{% macro measure_change(earlier, later, is_count) -%}
case
    when {{ is_count }} then 100.0 * ({{ later }} - {{ earlier }}) / nullif(abs({{ earlier }}), 0)
    else {{ later }} - {{ earlier }}
end
{%- endmacro %}
