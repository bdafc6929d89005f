-- Which municipalities make up each town, region and the county (the county_code var).
select 'town' as geo_level, town_id as geo_code, municipality_code
from {{ ref('towns') }}
union all
select 'region', region_name, municipality_code
from {{ ref('nordland_municipalities') }}
union all
select 'county', '{{ var("county_code") }}', municipality_code
from {{ ref('nordland_municipalities') }}
