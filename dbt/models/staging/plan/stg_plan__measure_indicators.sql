-- The indicators each measure aims at, per register year: the baseline year, a target value
-- and/or an intended direction (up, down), and the target year.
select
    load_id,
    register_year,
    measure_id,
    indicator_id,
    baseline_year,
    target_value,
    target_direction,
    target_year
from {{ source('plan', 'plan_measure_indicators') }}
