-- The ten towns, one row each, with their municipality and region.
select
    town_id,
    town_name,
    municipality_code,
    municipality_name,
    region_name,
    sort_order
from {{ ref('towns') }}
