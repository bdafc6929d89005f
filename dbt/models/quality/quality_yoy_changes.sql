-- For the gate's stability warning: each town's change from the year before for the indicators
-- with a threshold in the catalogue (max_change_1y_pct).
with facts as (
    select
        facts.geo_code as town_id,
        facts.year,
        facts.indicator_id,
        facts.value,
        lag(facts.value) over (partition by facts.geo_code, facts.indicator_id order by facts.year)
            as previous,
        catalogue.name_nb,
        catalogue.name_en,
        catalogue.max_change_1y_pct
    from {{ ref('fct_indicator_values') }} as facts
    inner join {{ ref('dim_indicator') }} as catalogue using (indicator_id)
    where facts.geo_level = 'town' and catalogue.max_change_1y_pct is not null
)

select
    facts.town_id,
    places.place_nb,
    places.place_en,
    facts.year,
    facts.indicator_id,
    facts.name_nb,
    facts.name_en,
    facts.value,
    facts.previous,
    100.0 * (facts.value / facts.previous - 1) as change_pct,
    abs(100.0 * (facts.value / facts.previous - 1)) as change_abs_pct,
    facts.max_change_1y_pct
from facts
inner join {{ ref('quality_places') }} as places
    on places.geo_level = 'town' and places.geo_code = facts.town_id
where facts.value is not null and facts.previous > 0
