-- seeds/value_statuses.csv and macros/value_status.sql say the same: every SSB symbol the seed
-- lists gets the seed's status from the macro, the seed lists every status the macro knows,
-- and dim_value_status orders them as the macro does (worst first).
with seed as (
    select status, unnest(string_split(ssb_symbols, ' ')) as ssb_symbol
    from {{ ref('value_statuses') }}
    where ssb_symbols is not null
),

known as (
    select status, sort_order
    from (values {% for s in value_status_order() %}('{{ s }}', {{ loop.index }}){{ ", " if not loop.last }}{% endfor %}) as k(status, sort_order)
)

select 'symbol' as problem, status, ssb_symbol
from seed
where {{ value_status('null', 'ssb_symbol') }} is distinct from status

union all

select 'status not in the seed', status, null
from known
where status not in (select status from {{ ref('value_statuses') }})

union all

select 'order differs from the macro', d.status, null
from {{ ref('dim_value_status') }} as d
left join known as k using (status)
where d.sort_order is distinct from k.sort_order
