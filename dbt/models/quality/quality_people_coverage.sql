-- For the gate's completeness check: respondents and interviews per town and wave.
with waves as (
    select wave from {{ ref('stg_survey__respondents') }}
    union
    select wave from {{ ref('stg_interviews__interviews') }}
),

respondents as (
    select wave, town_id, count(*) as respondents
    from {{ ref('stg_survey__respondents') }} group by all
),

interviews as (
    select wave, town_id, count(*) as interviews
    from {{ ref('stg_interviews__interviews') }} group by all
)

select
    towns.town_id,
    waves.wave,
    coalesce(respondents.respondents, 0) as respondents,
    coalesce(interviews.interviews, 0) as interviews
from {{ ref('dim_town') }} as towns
cross join waves
left join respondents using (town_id, wave)
left join interviews using (town_id, wave)
