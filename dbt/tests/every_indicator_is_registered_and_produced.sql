-- The registry (dim_indicator: the seed indicators plus the survey's and industries' generated
-- rows) and the values hold each other: every registered indicator has a value somewhere, and
-- every produced indicator is registered. A row here names the indicator and which side lacks it.
select indicator_id, 'registered but never produced' as problem
from {{ ref('dim_indicator') }}
where indicator_id not in (
    select indicator_id from {{ ref('fct_indicator_values') }} where value is not null
)

union all

select distinct indicator_id, 'produced but not registered'
from {{ ref('fct_indicator_values') }}
where indicator_id not in (select indicator_id from {{ ref('dim_indicator') }})
