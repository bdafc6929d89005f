-- The project vars (dbt/dbt_project.yml) the marts were built with. `check` and `publish` state
-- the vars in their texts (read from the checkout) and refuse marts built with other values
-- (flows/freshness.py), so a text never states a rule the figures were not made with.
select
    name as var_name,
    value as var_value
from {{ ref('stg_project__vars') }}
