-- The project vars as they were when this build started (dbt/dbt_project.yml, written into the
-- warehouse before each build); value is JSON text ("18", 5).
select
    name,
    value
from {{ source('project', 'project_vars') }}
