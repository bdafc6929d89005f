-- Interviews with consent: when, where, which kind of informant (all identities pseudonymous).
select
    load_id,
    wave,
    interview_key,
    interview_date,
    town_id,
    town_id = 'regional' as is_regional_actor,
    informant_role,
    organisation_key,
    informant_key,
    mode,
    duration_min
from {{ source('interviews', 'interviews') }}
