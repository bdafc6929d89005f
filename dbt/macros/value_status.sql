{#-
  The one home of the missing-value vocabulary (seeds/value_statuses.csv lists and explains the
  same statuses; tests/value_statuses_match_the_macro.sql keeps the two in step).

  A present figure has status NULL. A missing one says why, worst first:
    series_break    no comparable figure (before a municipality's first comparable year)
    suppressed      hidden: SSB's ":" (confidential), or a survey cell with too few answers
    not_available   SSB's ".." (figure missing) or "..." (not yet available); any other
                    symbol without a figure (e.g. "-" nil without its 0) is read the same way
    not_applicable  SSB's "." (cannot occur)
    missing         the source has the row but no figure and no symbol, or a figure it is
                    computed from is missing
    no_data         no row at all for that geography and year (nothing loaded)
-#}

{%- macro value_status_symbols() -%}
{{ return({':': 'suppressed', '..': 'not_available', '...': 'not_available', '.': 'not_applicable'}) }}
{%- endmacro -%}

{%- macro value_status_order() -%}
{{ return(['series_break', 'suppressed', 'not_available', 'not_applicable', 'missing', 'no_data']) }}
{%- endmacro -%}

{#- The status of one cell: its value, SSB's symbol(s) for it (several joined by commas, as a
    sum of cells carries them) and whether the year is before a series break. -#}
{% macro value_status(value, ssb_status, is_series_break='false') %}
{%- set symbols = value_status_symbols() -%}
case
    when {{ is_series_break }} then 'series_break'
    when ({{ value }}) is not null then null
    {%- for status in value_status_order() %}
    {%- set mine = [] %}{% for symbol, s in symbols.items() if s == status %}{% do mine.append("'" ~ symbol ~ "'") %}{% endfor %}
    {%- if mine %}
    when list_has_any(string_split({{ ssb_status }}, ','), [{{ mine | join(', ') }}]) then '{{ status }}'
    {%- endif %}
    {%- endfor %}
    when nullif({{ ssb_status }}, '') is not null then 'not_available'
    else 'missing'
end
{%- endmacro %}

{#- The worst of several statuses of one row (scalar expressions), NULL if all are NULL. -#}
{% macro worst_value_status(statuses) %}
case
    {%- for status in value_status_order() %}
    when '{{ status }}' in ({{ statuses | join(', ') }}) then '{{ status }}'
    {%- endfor %}
end
{%- endmacro %}

{#- The worst status among the rows of a group (an aggregate), NULL if every row's is NULL. -#}
{% macro worst_value_status_agg(status) %}
case
    {%- for s in value_status_order() %}
    when bool_or({{ status }} = '{{ s }}') then '{{ s }}'
    {%- endfor %}
end
{%- endmacro %}
