-- The indicators int_municipality_indicators computes for every municipality (macro
-- population_indicators) are the towns' own: for the ten towns they equal fct_indicator_values.
select towns.town_id, facts.year, facts.indicator_id, facts.value, municipal.value as municipal_value
from {{ ref('fct_indicator_values') }} as facts
inner join {{ ref('towns') }} as towns on facts.geo_level = 'town' and facts.geo_code = towns.town_id
inner join {{ ref('int_municipality_indicators') }} as municipal
    on municipal.geo_code = towns.municipality_code
    and municipal.year = facts.year
    and municipal.indicator_id = facts.indicator_id
where facts.value is distinct from municipal.value
  and not (abs(facts.value - municipal.value) < 1e-9)
