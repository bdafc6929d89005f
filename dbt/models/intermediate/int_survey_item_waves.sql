-- What a change between survey waves needs, per wave, town, item and measure: the answers that
-- count (n: "vet ikke" and empty answers do not), for shares the answers counted in the share
-- (successes: yes, or 4-5), for the mean agreement its mean and sample variance. Unsuppressed;
-- survey_town_change applies the small-cell rule.
with answers as (
    select answers.*, respondents.town_id, {{ load_origin('loads.value_origin') }} as origin
    from {{ ref('stg_survey__answers') }} as answers
    inner join {{ ref('stg_survey__respondents') }} as respondents using (wave, respondent_key)
    left join {{ source('raw', '_loads') }} as loads on answers.load_id = loads.load_id
    where answers.item_type in ('yesno', 'likert5') and answers.numeric_value is not null
)

select
    wave, town_id, item_id, item_group, 'share_yes' as measure,
    count(*) as n,
    sum(numeric_value) as successes,
    100.0 * avg(numeric_value) as value,
    cast(null as double) as variance,
    {{ weakest_origin_agg('origin') }} as origin
from answers where item_type = 'yesno'
group by all
union all
select
    wave, town_id, item_id, item_group, 'share_agree',
    count(*),
    sum(case when numeric_value >= 4 then 1 else 0 end),
    100.0 * avg(case when numeric_value >= 4 then 1 else 0 end),
    null,
    {{ weakest_origin_agg('origin') }}
from answers where item_type = 'likert5'
group by all
union all
select
    wave, town_id, item_id, item_group, 'mean_agreement',
    count(*),
    null,
    avg(numeric_value),
    var_samp(numeric_value),
    {{ weakest_origin_agg('origin') }}
from answers where item_type = 'likert5'
group by all
