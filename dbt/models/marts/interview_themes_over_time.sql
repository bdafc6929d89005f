-- The interview themes across the years: per town (or 'regional' for the regional actors),
-- wave and coded theme, how many of the wave's interviews there touched the theme, as a count
-- and a share, beside the town's previous wave. Every theme coded anywhere has a row for every
-- town and wave with interviews, so a theme no one raised is a 0, not a missing row. Counts
-- only: no person, organisation or interview key reaches this mart. origin: sample for the
-- embedded sample's invented interviews, official for the county's own files.
with interviews as (
    select interviews.*, {{ load_origin('loads.value_origin') }} as origin
    from {{ ref('stg_interviews__interviews') }} as interviews
    left join {{ source('raw', '_loads') }} as loads on interviews.load_id = loads.load_id
),

town_waves as (
    select wave, town_id, count(*) as interviews_total, {{ weakest_origin_agg('origin') }} as origin
    from interviews
    group by wave, town_id
),

themes as (
    select distinct theme from {{ ref('stg_interviews__themes') }}
),

mentions as (
    select themes.wave, interviews.town_id, themes.theme, count(*) as interviews
    from {{ ref('stg_interviews__themes') }} as themes
    inner join interviews using (wave, interview_key)
    group by themes.wave, interviews.town_id, themes.theme
),

spine as (
    select
        town_waves.wave,
        town_waves.town_id,
        themes.theme,
        coalesce(mentions.interviews, 0) as interviews,
        town_waves.interviews_total,
        100.0 * coalesce(mentions.interviews, 0) / town_waves.interviews_total as share_of_interviews,
        town_waves.origin
    from town_waves
    cross join themes
    left join mentions
        on town_waves.wave = mentions.wave and town_waves.town_id = mentions.town_id
        and themes.theme = mentions.theme
),

ordered as (
    select
        *,
        lag(wave) over by_theme as previous_wave,
        lag(interviews) over by_theme as previous_interviews,
        lag(share_of_interviews) over by_theme as previous_share,
        lag(origin) over by_theme as previous_origin
    from spine
    window by_theme as (partition by town_id, theme order by wave)
)

select
    cast(wave as integer) as wave,
    town_id,
    town_id = 'regional' as is_regional_actor,
    theme,
    cast(interviews as bigint) as interviews,
    cast(interviews_total as bigint) as interviews_total,
    share_of_interviews,
    cast(previous_wave as integer) as previous_wave,
    cast(previous_interviews as bigint) as previous_interviews,
    previous_share,
    share_of_interviews - previous_share as share_change,
    {{ weakest_origin(['origin', 'previous_origin']) }} as origin
from ordered
