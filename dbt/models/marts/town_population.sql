-- Population on 1 January per town and year, with the change from the year before.
-- One row for every town in every year the statistics cover (a spine), so a missing or
-- non-comparable year is a row with a status saying why (macros/value_status.sql), not an
-- absent row; a present figure has status NULL.
with towns as (
    select * from {{ ref('dim_town') }}
),

population as (
    select * from {{ ref('int_population_by_region_year') }}
    where region_level = 'municipality'
),

years as (
    select distinct year from {{ ref('int_population_by_region_year') }}
),

spine as (
    select towns.town_id, towns.town_name, towns.municipality_code, years.year
    from towns
    cross join years
),

joined as (
    select
        spine.town_id,
        spine.town_name,
        spine.municipality_code,
        spine.year,
        population.population,
        -- no row for the town's municipality that year: nothing was loaded for it
        case when population.region_id is null then 'no_data' else population.status end as status,
        population.ssb_status,
        population.load_ids,
        population.origin
    from spine
    left join population
        on spine.municipality_code = population.region_id
        and spine.year = population.year
)

select
    town_id,
    town_name,
    municipality_code,
    year,
    cast(population as bigint) as population,
    cast(population - lag(population) over by_town as bigint) as change_1y,
    round(100.0 * (population / lag(population) over by_town - 1), 4) as change_1y_pct,
    cast(population - lag(population, 10) over by_town as bigint) as change_10y,
    round(100.0 * (population / lag(population, 10) over by_town - 1), 4) as change_10y_pct,
    status,
    ssb_status,
    load_ids,
    origin
from joined
window by_town as (partition by town_id order by year)
