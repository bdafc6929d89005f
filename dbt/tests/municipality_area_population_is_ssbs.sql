-- The area seed's population on 1 January 2024 is SSB's (07459) for every municipality the
-- warehouse has a 2024 figure for: the seed and the statistics describe the same municipalities.
select areas.municipality_code, areas.population_1jan2024, municipal.value
from {{ ref('municipality_area') }} as areas
inner join {{ ref('int_municipality_indicators') }} as municipal
    on municipal.geo_code = areas.municipality_code
    and municipal.year = 2024
    and municipal.indicator_id = 'population'
where municipal.value is not null and municipal.value <> areas.population_1jan2024
