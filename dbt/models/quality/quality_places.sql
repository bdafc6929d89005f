-- The names of every place the gate's messages mention, in bokmål and English.
select 'town' as geo_level, town_id as geo_code, town_name as place_nb, town_name as place_en
from {{ ref('dim_town') }}
union all
select distinct 'region', region_name, region_name, region_name
from {{ ref('nordland_municipalities') }}
union all
select 'municipality', municipality_code, municipality_name, municipality_name
from {{ ref('nordland_municipalities') }}
union all
select 'county', '{{ var("county_code") }}', '{{ var("county_name") }}', '{{ var("county_name") }}'
union all
select 'country', 'NO', 'Norge', 'Norway'
