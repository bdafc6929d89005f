-- The action programme's measures as each year's register holds them (one row per measure and
-- register year), with the origin of the register's load: sample for the embedded sample's
-- invented registers, official for the county's own.
select
    measures.load_id,
    measures.register_year,
    measures.measure_id,
    measures.title_nb,
    measures.title_en,
    measures.theme,
    measures.towns,
    measures.towns = 'region' as is_regional,
    measures.responsible,
    measures.start_year,
    measures.end_year,
    measures.status as measure_status,  -- the register's status: a measure's progress
    measures.budget_nok,
    {{ load_origin('loads.value_origin') }} as origin
from {{ source('plan', 'plan_measures') }} as measures
left join {{ source('raw', '_loads') }} as loads on measures.load_id = loads.load_id
