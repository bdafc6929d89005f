-- The survey codebook's items, in questionnaire order.
select
    item_id,
    item_group,
    item_type,
    label_nb,
    label_en,
    sort_order
from {{ source('survey', 'survey_items') }}
