-- Who was interviewed and what they talked about: per wave and town (or 'regional' for the
-- regional actors), interviews by informant role and by coded theme. Counts only: no person,
-- organisation or interview key reaches this mart. origin: sample for the embedded sample's
-- invented interviews, official for a county's own files.
with interviews as (
    select interviews.*, {{ load_origin('loads.value_origin') }} as origin
    from {{ ref('stg_interviews__interviews') }} as interviews
    left join {{ source('raw', '_loads') }} as loads on interviews.load_id = loads.load_id
)

select
    wave,
    town_id,
    'role' as category_type,
    informant_role as category,
    cast(count(*) as bigint) as interviews,
    {{ weakest_origin_agg('origin') }} as origin
from interviews
group by wave, town_id, informant_role
union all
select
    themes.wave,
    interviews.town_id,
    'theme',
    themes.theme,
    cast(count(*) as bigint),
    {{ weakest_origin_agg('interviews.origin') }}
from {{ ref('stg_interviews__themes') }} as themes
inner join interviews using (wave, interview_key)
group by themes.wave, interviews.town_id, themes.theme
