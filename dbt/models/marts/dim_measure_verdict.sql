-- The plain verdicts of measure_progress, in their order, with the words and explanations the
-- report uses (the measure_verdicts seed): every verdict, also those no aim has this year.
select
    verdict,
    cast(sort_order as integer) as sort_order,
    label_nb,
    label_en,
    explanation_nb,
    explanation_en
from {{ ref('measure_verdicts') }}
