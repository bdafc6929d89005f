-- The themes coded for each interview.
select
    load_id,
    wave,
    interview_key,
    theme
from {{ source('interviews', 'interview_themes') }}
