{#-
  The indicators computed from 07459 alone (population by sex and age), as ratio_indicator rows
  from a relation `wide` with the measures population, pop_0_19, pop_20_66, pop_67_plus,
  pop_80_plus, women_20_44, men_20_44 (each with _status and _origin) and population_1y_ago,
  population_10y_ago. The same definitions as int_indicator_values_statbank's for these
  indicators; int_municipality_indicators uses them for every municipality in Norway, and a
  test checks that the ten towns' values agree with fct_indicator_values.
-#}
{% macro population_indicators() %}
{{ level_indicator('population', 'population') }}
union all
{{ ratio_indicator('population_change_1y_pct', 'population - population_1y_ago', 'population_1y_ago', 100, 'population_status', 'population_1y_ago_status') }}
union all
{{ ratio_indicator('population_change_10y_pct', 'population - population_10y_ago', 'population_10y_ago', 100, 'population_status', 'population_10y_ago_status') }}
union all
{{ ratio_indicator('share_age_0_19', 'pop_0_19', 'population', 100, 'pop_0_19_status', 'population_status') }}
union all
{{ ratio_indicator('share_age_20_66', 'pop_20_66', 'population', 100, 'pop_20_66_status', 'population_status') }}
union all
{{ ratio_indicator('share_age_67_plus', 'pop_67_plus', 'population', 100, 'pop_67_plus_status', 'population_status') }}
union all
{{ ratio_indicator('share_age_80_plus', 'pop_80_plus', 'population', 100, 'pop_80_plus_status', 'population_status') }}
union all
{{ ratio_indicator('old_age_dependency_ratio', 'pop_67_plus', 'pop_20_66', 100, 'pop_67_plus_status', 'pop_20_66_status') }}
union all
{{ ratio_indicator('women_per_100_men_20_44', 'women_20_44', 'men_20_44', 100, 'women_20_44_status', 'men_20_44_status') }}
{% endmacro %}
