-- The action programme, year by year: one row per measure and register year, with its theme,
-- towns, measure status that year (and the year before; `measure_status`, a measure's
-- progress, not a missing value's `status`), budget, how many indicators it aims at, and
-- the labels of its codes in bokmål and English. is_latest_register marks the newest register
-- loaded. origin: sample for the embedded sample's invented registers, official for the
-- county's own.
with measures as (
    select * from {{ ref('stg_plan__measures') }}
),

labels as (
    select * from {{ ref('stg_plan__codebook') }}
),

links as (
    select register_year, measure_id, count(*) as indicators
    from {{ ref('stg_plan__measure_indicators') }}
    group by register_year, measure_id
),

town_names as (
    select
        covered.register_year,
        covered.measure_id,
        string_agg(towns.town_name, ', ' order by towns.sort_order) as town_names
    from {{ ref('int_plan_measure_towns') }} as covered
    inner join {{ ref('towns') }} as towns on covered.town_id = towns.town_id
    where not covered.is_regional
    group by covered.register_year, covered.measure_id
),

history as (
    select
        *,
        lag(register_year) over by_measure as previous_register_year,
        lag(measure_status) over by_measure as previous_measure_status
    from measures
    window by_measure as (partition by measure_id order by register_year)
)

select
    cast(history.register_year as integer) as register_year,
    history.measure_id,
    history.title_nb,
    coalesce(history.title_en, history.title_nb) as title_en,
    history.theme,
    themes.label_nb as theme_nb,
    themes.label_en as theme_en,
    cast(themes.sort_order as integer) as theme_order,
    history.towns,
    history.is_regional,
    town_names.town_names,
    history.responsible,
    cast(history.start_year as integer) as start_year,
    cast(history.end_year as integer) as end_year,
    history.measure_status,
    statuses.label_nb as measure_status_nb,
    statuses.label_en as measure_status_en,
    cast(history.previous_register_year as integer) as previous_register_year,
    history.previous_measure_status,
    history.previous_measure_status is not null
    and history.previous_measure_status <> history.measure_status as measure_status_changed,
    history.previous_register_year is null as is_new,
    history.budget_nok,
    cast(coalesce(links.indicators, 0) as integer) as indicators,
    history.register_year = max(history.register_year) over () as is_latest_register,
    history.origin
from history
left join labels as themes on themes.scale = 'themes' and history.theme = themes.code
left join labels as statuses on statuses.scale = 'statuses' and history.measure_status = statuses.code
left join links on history.register_year = links.register_year and history.measure_id = links.measure_id
left join town_names
    on history.register_year = town_names.register_year and history.measure_id = town_names.measure_id
