-- Who was interviewed and what they talked about: per wave and town (or 'regional' for the
-- regional actors), interviews by informant role and by coded theme. Counts only: no person,
-- organisation or interview key reaches this mart.
select
    wave,
    town_id,
    'role' as category_type,
    informant_role as category,
    cast(count(*) as bigint) as interviews
from {{ ref('stg_interviews__interviews') }}
group by wave, town_id, informant_role
union all
select
    themes.wave,
    interviews.town_id,
    'theme',
    themes.theme,
    cast(count(*) as bigint)
from {{ ref('stg_interviews__themes') }} as themes
inner join {{ ref('stg_interviews__interviews') }} as interviews using (wave, interview_key)
group by themes.wave, interviews.town_id, themes.theme
