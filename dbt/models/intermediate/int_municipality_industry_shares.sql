-- Jobs by place of work per industry (13470) for every municipality the warehouse has them for
-- (in the sample: Nordland's), with the industry's share of the municipality's jobs; used to
-- compare a town's industry mix with its peers' where the table covers them.
with cells as (
    select region_id as municipality_code, year, dims->>'NACE2007' as nace_code, value, origin
    from {{ ref('int_statbank__cells_on_current_codes') }}
    where table_id = '13470'
      and contents_code = 'SysselsatteArb'
      and region_level = 'municipality'
      and value is not null
)

select
    municipality_code,
    year,
    nace_code,
    value as jobs,
    sum(value) over by_municipality as jobs_total,
    100.0 * value / nullif(sum(value) over by_municipality, 0) as share_pct,
    origin
from cells
window by_municipality as (partition by municipality_code, year)
