-- Population on 1 January for the areas the towns are compared with: Nordland and Norway.
with population as (
    select * from {{ ref('int_population_by_region_year') }}
    where (region_level = 'county' and region_id = '{{ var("county_code") }}')
       or region_level = 'country'
)

select
    case when region_level = 'country' then 'norge' else 'nordland' end as area_id,
    case when region_level = 'country' then 'Norge' else 'Nordland' end as area_name,
    year,
    cast(population as bigint) as population,
    cast(population - lag(population) over by_area as bigint) as change_1y,
    round(100.0 * (population / lag(population) over by_area - 1), 4) as change_1y_pct,
    cast(population - lag(population, 10) over by_area as bigint) as change_10y,
    round(100.0 * (population / lag(population, 10) over by_area - 1), 4) as change_10y_pct,
    status,
    ssb_status,
    load_ids,
    origin
from population
window by_area as (partition by region_level, region_id order by year)
