-- Indicators that need more than one geography: shares of the county, the county's
-- centralisation (share in the ten towns, in Bodø, concentration index) and attractiveness.
with statbank as (
    select * from {{ ref('int_indicator_values_statbank') }}
    where indicator_id = 'population'
),

county as (
    select year, value as population, status, origin from statbank where geo_level = 'county'
),

municipal_population as (
    select region_id as municipality_code, year, value, status, origin
    from {{ ref('int_statbank__measures') }}
    where measure = 'population'
      and region_level = 'municipality'
      and region_id in (select municipality_code from {{ ref('nordland_municipalities') }})
),

hhi as (
    select
        year,
        case when bool_and(value is not null) then sum(share * share) end as value,
        case when bool_or(value is null) then coalesce({{ worst_value_status_agg('status') }}, 'missing') end
            as status,
        {{ weakest_origin_agg('origin') }} as origin
    from (
        select
            year,
            value,
            status,
            origin,
            100.0 * value / sum(value) over (partition by year) as share
        from municipal_population
    )
    group by year
)

select
    statbank.geo_level,
    statbank.geo_code,
    statbank.year,
    'share_of_county_population' as indicator_id,
    100.0 * statbank.value / county.population as value,
    statbank.value as numerator,
    county.population as denominator,
    coalesce({{ worst_value_status(['statbank.status', 'county.status']) }},
        case when statbank.value is null or county.population is null then 'missing' end)
        as status,
    {{ weakest_origin(['statbank.origin', 'county.origin']) }} as origin
from statbank
inner join county using (year)
where statbank.geo_level in ('town', 'region')

union all

select
    'county', '{{ var("county_code") }}', county.year, 'county_share_in_ten_towns',
    100.0 * towns.population / county.population,
    towns.population,
    county.population,
    coalesce({{ worst_value_status(['towns.status', 'county.status']) }},
        case when towns.population is null or county.population is null then 'missing' end),
    {{ weakest_origin(['towns.origin', 'county.origin']) }}
from county
inner join (
    select
        year,
        case when count(value) = count(*) then sum(value) end as population,
        case when count(value) < count(*) then coalesce({{ worst_value_status_agg('status') }}, 'missing') end
            as status,
        {{ weakest_origin_agg('origin') }} as origin
    from statbank
    where geo_level = 'town'
    group by year
) as towns using (year)

union all

select
    'county', '{{ var("county_code") }}', county.year, 'county_share_in_bodo',
    100.0 * bodo.value / county.population,
    bodo.value,
    county.population,
    coalesce({{ worst_value_status(['bodo.status', 'county.status']) }},
        case when bodo.value is null or county.population is null then 'missing' end),
    {{ weakest_origin(['bodo.origin', 'county.origin']) }}
from county
inner join statbank as bodo
    on bodo.geo_level = 'town' and bodo.geo_code = '{{ var("regional_capital_town") }}' and bodo.year = county.year

union all

select 'county', '{{ var("county_code") }}', year, 'county_concentration_index', value, null, null, status, origin
from hhi

union all

select
    'town',
    population.geo_code,
    population.year,
    'attractiveness_residual',
    attractiveness.attractiveness_residual,
    attractiveness.migration_3y_pct,
    null,
    case
        when attractiveness.attractiveness_residual is not null then null
        -- the three-year window reaches back before the municipality's present borders
        when breaks.first_comparable_year > population.year - 3 then 'series_break'
        else 'missing'
    end,
    -- a missing residual says nothing beyond the population it would be for
    coalesce(attractiveness.origin, population.origin)
from statbank as population
inner join {{ ref('towns') }} as towns on population.geo_code = towns.town_id
left join {{ ref('int_attractiveness') }} as attractiveness
    on attractiveness.municipality_code = towns.municipality_code
    and attractiveness.year = population.year
left join {{ ref('series_breaks') }} as breaks
    on breaks.municipality_code = towns.municipality_code
where population.geo_level = 'town'
