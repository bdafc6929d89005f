-- For the gate's accounting rule: per municipality of Nordland, Nordland and Norway and year,
-- births minus deaths plus net migration (domestic and international) against the change in
-- population from 1 January that year to 1 January the next. What is left (the residual)
-- should be small: SSB's corrections for late registrations.
with measures as (
    select
        region_level as geo_level,
        case when region_level = 'country' then 'NO' else region_id end as geo_code,
        year,
        measure,
        value
    from {{ ref('int_statbank__measures') }}
    where measure in ('population', 'births', 'deaths', 'net_domestic_migration', 'net_immigration')
),

wide as (
    select
        geo_level,
        geo_code,
        year,
        max(value) filter (where measure = 'population') as population,
        max(value) filter (where measure = 'births') as births,
        max(value) filter (where measure = 'deaths') as deaths,
        max(value) filter (where measure = 'net_domestic_migration')
            + max(value) filter (where measure = 'net_immigration') as net_migration
    from measures
    group by geo_level, geo_code, year
),

flows as (
    select
        this_year.geo_level,
        this_year.geo_code,
        this_year.year,
        this_year.population,
        next_year.population as population_next_year,
        this_year.births,
        this_year.deaths,
        this_year.net_migration,
        next_year.population - this_year.population as population_change,
        this_year.births - this_year.deaths + this_year.net_migration as components
    from wide as this_year
    inner join wide as next_year
        on next_year.geo_level = this_year.geo_level
        and next_year.geo_code = this_year.geo_code
        and next_year.year = this_year.year + 1
    where this_year.population > 0
      and next_year.population > 0
      and this_year.births is not null
      and this_year.deaths is not null
      and this_year.net_migration is not null
)

select
    flows.geo_level,
    flows.geo_code,
    places.place_nb,
    places.place_en,
    flows.year,
    flows.year + 1 as next_year,
    flows.population,
    flows.population_next_year,
    flows.births,
    flows.deaths,
    flows.net_migration,
    flows.components,
    flows.population_change,
    flows.population_change - flows.components as residual,
    abs(flows.population_change - flows.components) as residual_abs,
    1000.0 * (flows.population_change - flows.components) / flows.population as residual_per_1000
from flows
inner join {{ ref('quality_places') }} as places using (geo_level, geo_code)
