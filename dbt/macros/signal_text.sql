{#-
  Numbers in the report's sentences, written the way the language writes them (as the report's
  Babel formatting does): nb "12 345,6" (no-break space, decimal comma), en "12,345.6"; the
  minus sign is U+2212; `signed` adds "+" to a positive number. `decimals` may be a column.
-#}
{% macro number_text(value, decimals, lang, signed='false') -%}
case when {{ value }} is null then '–' else
    case
        when round({{ value }}, {{ decimals }}) < 0 then '−'
        when ({{ signed }}) and round({{ value }}, {{ decimals }}) > 0 then '+'
        else ''
    end
    {%- set digits = "format('{:,.' || (" ~ decimals ~ ") || 'f}', abs(round(" ~ value ~ ", " ~ decimals ~ "))::double)" %}
    || {% if lang == 'nb' -%}
        replace(replace(replace({{ digits }}, ',', '#'), '.', ','), '#', chr(160))
    {%- else -%}
        {{ digits }}
    {%- endif %}
end
{%- endmacro %}

{#-
  A signal's sentence: the rule's wording (seed signal_rules, wording_nb or wording_en) with
  its placeholders filled from the row: {since} {start} {year} {years} {a} {b} {change}
  {size} (the change without its sign) {reference} {subject}. A light first lit this year
  drops ", hvert år siden {since}" / ", every year since {since}": it says nothing then.
-#}
{% macro signal_sentence(lang) -%}
{%- set signed_change = "kind in ('run', 'change', 'change_vs_county', 'jobs_vs_population', 'survey_drop')" -%}
{%- set signed_reference = "kind in ('change_vs_county', 'jobs_vs_population')" -%}
{%- set fills = [
    ('{since}', "coalesce(since_year::varchar, '')"),
    ('{start}', "coalesce(start_year::varchar, '')"),
    ('{year}', "year::varchar"),
    ('{years}', "coalesce(years::varchar, '')"),
    ('{a}', number_text('value_a', 'value_decimals', lang)),
    ('{b}', number_text('value_b', 'value_decimals', lang)),
    ('{change}', number_text('change_value', 'change_decimals', lang, signed_change)),
    ('{size}', number_text('abs(change_value)', 'change_decimals', lang)),
    ('{reference}', number_text('reference_value', 'change_decimals', lang, signed_reference)),
    ('{subject}', "coalesce(subject_" ~ lang ~ ", '')"),
] -%}
{%- set wording = 'wording_' ~ lang -%}
{%- set ns = namespace(text="case when since_year = year then replace(replace(" ~ wording
    ~ ", ', hvert år siden {since}', ''), ', every year since {since}', '') else " ~ wording ~ " end") -%}
{%- for placeholder, expression in fills -%}
{%- set ns.text = "replace(" ~ ns.text ~ ", '" ~ placeholder ~ "', " ~ expression ~ ")" -%}
{%- endfor -%}
{{ ns.text }}
{%- endmacro %}

{#- The decimals a number needs to be written exactly (0 to 3): 3 -> 0, 1.96 -> 2, 3.841 -> 3. -#}
{% macro decimals_needed(value) -%}
case
    when {{ value }} = round({{ value }}) then 0
    when {{ value }} = round({{ value }}, 1) then 1
    when {{ value }} = round({{ value }}, 2) then 2
    else 3
end
{%- endmacro %}
