-- The third perspective, the regional role: per town and year, its weight in its region and
-- in the county, and how it pulls in commuters. The county's centralisation is in
-- county_centralisation.
with facts as (
    select * from {{ ref('fct_indicator_values') }}
),

towns as (
    select * from {{ ref('dim_town') }}
),

town_values as (
    select
        geo_code as town_id,
        year,
        max(case when indicator_id = 'population' then value end) as population,
        max(case when indicator_id = 'share_of_county_population' then value end) as share_of_county_pct,
        max(case when indicator_id = 'job_coverage_ratio' then value end) as job_coverage_ratio,
        max(case when indicator_id = 'in_commuters' then value end) as in_commuters,
        max(case when indicator_id = 'out_commuters' then value end) as out_commuters
    from facts
    where geo_level = 'town'
    group by all
),

region_population as (
    select geo_code as region_name, year, value as population
    from facts
    where geo_level = 'region' and indicator_id = 'population'
)

select
    towns.town_id,
    towns.region_name,
    town_values.year::integer as year,
    town_values.population::bigint as population,
    region_population.population::bigint as region_population,
    100.0 * town_values.population / region_population.population as share_of_region_pct,
    town_values.share_of_county_pct,
    town_values.job_coverage_ratio,
    town_values.in_commuters::bigint as in_commuters,
    town_values.out_commuters::bigint as out_commuters,
    (town_values.in_commuters - town_values.out_commuters)::bigint as net_commuting
from town_values
inner join towns using (town_id)
left join region_population
    on towns.region_name = region_population.region_name
    and town_values.year = region_population.year
