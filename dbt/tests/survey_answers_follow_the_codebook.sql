-- Every coded answer is one of its item's codes in the codebook (accepted values from the codebook).
select answers.item_id, answers.answer_code, count(*) as answers
from {{ ref('stg_survey__answers') }} as answers
left join {{ source('survey', 'survey_item_values') }} as item_values
    on answers.item_id = item_values.item_id
    and answers.answer_code = item_values.code
where answers.answer_code is not null
  and answers.item_type in ('choice', 'yesno', 'likert5')
  and item_values.code is null
group by all
