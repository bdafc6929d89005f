{#-
  One base measure from StatBank cells: the sum over the cells a filter picks, per region and
  year, with the worst status and the weakest origin among them. A sum is a figure only if
  every part is one.
-#}
{% macro measure(name, table_id, contents_code, condition="true") %}
select
    region_level,
    region_id,
    year,
    '{{ name }}' as measure,
    case when count(value) = count(*) then sum(value) end as value,
    case when count(value) < count(*) then {{ worst_value_status_agg('status') }} end as status,
    {{ weakest_origin_agg('origin') }} as origin
from cells
where table_id = '{{ table_id }}'
  and contents_code = '{{ contents_code }}'
  and ({{ condition }})
group by region_level, region_id, year
{% endmacro %}
