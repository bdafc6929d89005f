-- Centralisation in Nordland year by year: the share of the county living in the ten towns and
-- in Bodø, and a concentration index over all its municipalities; origin is the weakest of the
-- four figures'.
select
    cast(year as integer) as year,
    cast(max(case when indicator_id = 'population' then value end) as bigint) as county_population,
    max(case when indicator_id = 'county_share_in_ten_towns' then value end) as share_in_ten_towns_pct,
    max(case when indicator_id = 'county_share_in_bodo' then value end) as share_in_bodo_pct,
    max(case when indicator_id = 'county_concentration_index' then value end) as concentration_index,
    {{ weakest_origin_agg('origin') }} as origin
from {{ ref('fct_indicator_values') }}
where geo_level = 'county'
  and indicator_id in ('population', 'county_share_in_ten_towns', 'county_share_in_bodo',
                       'county_concentration_index')
group by year
