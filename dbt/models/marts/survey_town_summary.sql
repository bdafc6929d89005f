-- The second perspective, as the business leaders see it: per wave, town and survey item the
-- share answering yes, or the mean agreement and the share agreeing, with n. Any value over
-- fewer than 5 answers is NULL and is_suppressed is true.
select
    summary.wave,
    summary.town_id,
    summary.item_id,
    summary.item_group,
    items.label_nb as item_label_nb,
    items.label_en as item_label_en,
    summary.measure,
    summary.value,
    cast(summary.n as bigint) as n,
    summary.is_suppressed,
    summary.origin
from {{ ref('int_survey_item_summary') }} as summary
inner join {{ ref('stg_survey__items') }} as items using (item_id, item_group)
