-- For the gate's warning about figures that cannot be the same everywhere: per indicator and
-- year, how many towns have a value and how many different values they show (rounded to the
-- indicator's decimals, as the report shows them). One value shared by every town is almost
-- always a figure copied from the wrong place.
with town_values as (
    select
        facts.indicator_id,
        facts.year,
        round(facts.value, coalesce(catalogue.decimals, 1)) as shown
    from {{ ref('fct_indicator_values') }} as facts
    inner join {{ ref('dim_indicator') }} as catalogue using (indicator_id)
    where facts.geo_level = 'town' and facts.value is not null
)

select
    town_values.indicator_id,
    catalogue.name_nb,
    catalogue.name_en,
    town_values.year,
    count(*) as towns_with_value,
    count(distinct town_values.shown) as different_values,
    min(town_values.shown) as shown_value
from town_values
inner join {{ ref('dim_indicator') }} as catalogue using (indicator_id)
group by all
