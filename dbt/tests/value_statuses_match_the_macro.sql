-- seeds/value_statuses.csv and macros/value_status.sql say the same: every SSB symbol the seed
-- lists gets the seed's status from the macro, and the seed lists every status the macro knows.
with seed as (
    select status, unnest(string_split(ssb_symbols, ' ')) as ssb_symbol
    from {{ ref('value_statuses') }}
    where ssb_symbols is not null
)

select 'symbol' as problem, status, ssb_symbol
from seed
where {{ value_status('null', 'ssb_symbol') }} is distinct from status

union all

select 'status not in the seed', status, null
from (values {% for s in value_status_order() %}('{{ s }}'){{ ", " if not loop.last }}{% endfor %}) as known(status)
where status not in (select status from {{ ref('value_statuses') }})
