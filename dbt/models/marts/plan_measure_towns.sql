-- Which towns each measure of the action programme covers, per register year (a measure for the
-- whole region covers all ten): for a town's page, its measures; for the regional chapter, the
-- towns no measure addresses.
select
    cast(covered.register_year as integer) as register_year,
    covered.measure_id,
    covered.town_id,
    covered.is_regional,
    measures.theme,
    measures.measure_status,
    measures.origin
from {{ ref('int_plan_measure_towns') }} as covered
inner join {{ ref('stg_plan__measures') }} as measures
    on covered.register_year = measures.register_year and covered.measure_id = measures.measure_id
