-- Survey answers summarised per wave, town and item: the share answering yes (yes/no items),
-- the mean agreement and the share agreeing (4 or 5) for 1-5 items, with n = the answers that
-- count ("vet ikke" and empty answers do not). Values over fewer than 5 answers are suppressed.
-- origin: sample for the embedded sample's invented answers, official for a county's own files.
with answers as (
    select answers.*, respondents.town_id, {{ load_origin('loads.value_origin') }} as origin
    from {{ ref('stg_survey__answers') }} as answers
    inner join {{ ref('stg_survey__respondents') }} as respondents using (wave, respondent_key)
    left join {{ source('raw', '_loads') }} as loads on answers.load_id = loads.load_id
    where answers.item_type in ('yesno', 'likert5')
),

measured as (
    select wave, town_id, item_id, item_group, 'share_yes' as measure,
           100.0 * avg(numeric_value) as raw_value, count(numeric_value) as n,
           {{ weakest_origin_agg('origin') }} as origin
    from answers where item_type = 'yesno'
    group by all
    union all
    select wave, town_id, item_id, item_group, 'mean_agreement',
           avg(numeric_value), count(numeric_value), {{ weakest_origin_agg('origin') }}
    from answers where item_type = 'likert5'
    group by all
    union all
    select wave, town_id, item_id, item_group, 'share_agree',
           100.0 * avg(case when numeric_value >= 4 then 1 else 0 end)
               filter (where numeric_value is not null),
           count(numeric_value), {{ weakest_origin_agg('origin') }}
    from answers where item_type = 'likert5'
    group by all
)

select
    wave,
    town_id,
    item_id,
    item_group,
    measure,
    case when n >= {{ var('small_cell_n') }} then raw_value end as value,
    n,
    n < {{ var('small_cell_n') }} as is_suppressed,
    case when n < {{ var('small_cell_n') }} then 'suppressed' end as status,
    origin
from measured
