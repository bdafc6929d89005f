-- Every produced indicator is registered (dim_indicator: the seed indicators plus the survey's
-- and industries' generated rows). The other half, every registered indicator produced, holds
-- only when every source is loaded: tests/integration/test_marts.py checks it on the sample.
select distinct indicator_id, 'produced but not registered' as problem
from {{ ref('fct_indicator_values') }}
where indicator_id not in (select indicator_id from {{ ref('dim_indicator') }})
