{#-
  Where a value comes from, weakest last: official (the publisher's own figures: SSB's
  StatBank, the county's own survey and interview files), estimate (an estimate, not the
  publisher's figure), sample (the embedded sample's made-up values). A value computed from
  several inputs takes the weakest of their origins.
-#}

{#- The origin a load records in raw._loads.value_origin, in the report's vocabulary: the
    sample snapshots say `synthetic` (and, before 2026, `official_totals`, SSB's totals split by
    sex and age with sample values); a file that says nothing is the publisher's own. -#}
{% macro load_origin(value_origin) -%}
case
    when {{ value_origin }} in ('synthetic', 'official_totals', 'sample') then 'sample'
    when {{ value_origin }} = 'estimate' then 'estimate'
    else 'official'
end
{%- endmacro %}

{% macro origin_rank(origin) -%}
case {{ origin }} when 'sample' then 3 when 'estimate' then 2 when 'official' then 1 else 0 end
{%- endmacro %}

{% macro origin_of_rank(rank) -%}
case {{ rank }} when 3 then 'sample' when 2 then 'estimate' when 1 then 'official' end
{%- endmacro %}

{#- The weakest origin among columns (or expressions) of one row; NULL when none has one. -#}
{% macro weakest_origin(origins) -%}
{%- if origins | length == 1 -%}
{{ origins[0] }}
{%- else -%}
{%- set ranks = [] -%}
{%- for origin in origins %}{% do ranks.append(origin_rank(origin)) %}{% endfor -%}
{{ origin_of_rank('greatest(' ~ (ranks | join(', ')) ~ ')') }}
{%- endif -%}
{%- endmacro %}

{#- The weakest origin over the rows of a group (an aggregate). -#}
{% macro weakest_origin_agg(origin) -%}
{{ origin_of_rank('max(' ~ origin_rank(origin) ~ ')') }}
{%- endmacro %}
