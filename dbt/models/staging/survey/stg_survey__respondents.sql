-- Accepted survey respondents, one row per wave and respondent (pseudonymous key).
select
    load_id,
    wave,
    respondent_key,
    town_id,
    row_number as source_row_number
from {{ source('survey', 'survey_respondents') }}
