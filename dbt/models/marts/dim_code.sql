-- The codebooks' codes with their words, in each codebook's order: the action programme's
-- themes, statuses and directions (the register's codebook, kept in the warehouse by each load
-- of a register), the survey's items (the survey codebook, kept by each survey load) and the
-- interview codebook's scales (written before each build). The report reads its labels and
-- orders here, not in data/catalogue.
select
    'plan' as codebook,
    scale,
    code,
    label_nb,
    label_en,
    cast(sort_order as integer) as sort_order
from {{ ref('stg_plan__codebook') }}
union all
select
    'survey' as codebook,
    'items' as scale,
    item_id as code,
    label_nb,
    label_en,
    cast(sort_order as integer) as sort_order
from {{ ref('stg_survey__items') }}
union all
select
    'interviews' as codebook,
    scale,
    code,
    label_nb,
    label_en,
    cast(sort_order as integer) as sort_order
from {{ ref('stg_interviews__codebook') }}
