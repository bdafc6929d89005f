{#- Use the folder's schema as it is (`marts`, not `main_marts`): readers query stable names. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {{ custom_schema_name if custom_schema_name else target.schema }}
{%- endmacro %}
