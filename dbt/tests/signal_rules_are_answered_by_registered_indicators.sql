-- What a measure may aim at to answer an early warning: every indicator a rule names in
-- answered_by is registered (seeds/indicators.csv), and every rule whose series is not itself
-- a registered indicator (nor the survey's, answered by the item it names) names some.
with answered as (
    select rule_id, unnest(regexp_split_to_array(trim(answered_by), '\s+')) as indicator_id
    from {{ ref('signal_rules') }}
    where nullif(trim(answered_by), '') is not null
)

select rule_id, indicator_id, 'not a registered indicator' as problem
from answered
where indicator_id not in (select indicator_id from {{ ref('indicators') }})

union all

select rule_id, series, 'answered by no indicator'
from {{ ref('signal_rules') }}
where nullif(trim(answered_by), '') is null
    and series <> 'survey'
    and series not in (select indicator_id from {{ ref('indicators') }})
