-- For the gate's completeness check: every town, headline indicator and year, with its status.
select facts.geo_code as town_id, facts.year, facts.indicator_id, facts.value, facts.status
from {{ ref('fct_indicator_values') }} as facts
inner join {{ ref('dim_indicator') }} as catalogue using (indicator_id)
where facts.geo_level = 'town' and catalogue.is_headline
