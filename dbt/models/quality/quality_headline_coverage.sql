-- For the gate's completeness check: every town, headline indicator and year, with its status.
select
    facts.geo_code as town_id,
    places.place_nb,
    places.place_en,
    facts.year,
    facts.indicator_id,
    catalogue.name_nb,
    catalogue.name_en,
    facts.value,
    facts.status
from {{ ref('fct_indicator_values') }} as facts
inner join {{ ref('dim_indicator') }} as catalogue using (indicator_id)
inner join {{ ref('quality_places') }} as places using (geo_level, geo_code)
where facts.geo_level = 'town' and catalogue.is_headline
