-- Survey answers with their item's group and type from the codebook: the numeric value for
-- agreement (1-5) and yes/no (1/0), and "vet ikke" flagged rather than scored.
with answers as (
    select * from {{ source('survey', 'survey_answers') }}
),

items as (
    select * from {{ source('survey', 'survey_items') }}
),

item_values as (
    select * from {{ source('survey', 'survey_item_values') }}
)

select
    answers.load_id,
    answers.wave,
    answers.respondent_key,
    answers.item_id,
    items.item_group,
    items.item_type,
    answers.value as answer_code,
    item_values.numeric_value,
    coalesce(answers.value = 'dont_know', false) as is_dont_know
from answers
inner join items on answers.item_id = items.item_id
left join item_values
    on answers.item_id = item_values.item_id
    and answers.value = item_values.code
