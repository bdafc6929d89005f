-- For the gate's rule that the age groups add up: the shares aged 0–19, 20–66 and 67 and over
-- of each place and year, and their sum (80 and over is part of 67 and over).
with shares as (
    select
        geo_level,
        geo_code,
        year,
        max(value) filter (where indicator_id = 'share_age_0_19') as share_0_19,
        max(value) filter (where indicator_id = 'share_age_20_66') as share_20_66,
        max(value) filter (where indicator_id = 'share_age_67_plus') as share_67_plus
    from {{ ref('fct_indicator_values') }}
    where indicator_id in ('share_age_0_19', 'share_age_20_66', 'share_age_67_plus')
    group by geo_level, geo_code, year
)

select
    shares.*,
    places.place_nb,
    places.place_en,
    share_0_19 + share_20_66 + share_67_plus as share_sum
from shares
inner join {{ ref('quality_places') }} as places using (geo_level, geo_code)
where share_0_19 is not null and share_20_66 is not null and share_67_plus is not null
