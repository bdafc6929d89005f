-- Every value says whose it is: a value without an origin fails, and so does an origin on a
-- row for which nothing was loaded (status no_data).
select geo_level, geo_code, year, indicator_id, value, status, origin
from {{ ref('fct_indicator_values') }}
where (value is not null and origin is null)
   or (status = 'no_data' and origin is not null)
