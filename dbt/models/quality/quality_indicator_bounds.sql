-- For the gate's plausibility rules on single values: each value with its indicator's bounds
-- from the catalogue, and whether it is a share (a percentage of a whole, which lies within
-- 0–100 whatever the catalogue says).
select
    facts.geo_level,
    facts.geo_code,
    places.place_nb,
    places.place_en,
    facts.year,
    facts.indicator_id,
    catalogue.name_nb,
    catalogue.name_en,
    catalogue.unit,
    facts.value,
    catalogue.min_value,
    catalogue.max_value,
    catalogue.unit = 'percent' and facts.indicator_id not like '%change%' as is_share
from {{ ref('fct_indicator_values') }} as facts
inner join {{ ref('dim_indicator') }} as catalogue using (indicator_id)
inner join {{ ref('quality_places') }} as places using (geo_level, geo_code)
where facts.value is not null
