-- The StatBank tables of the catalogue (data/catalogue/statbank_tables.yml, written to
-- raw.statbank_tables before each build): title in bokmål and English, status, first year and
-- publishing lag. Empty in a warehouse no catalogue was written to.
select
    table_id,
    title_nb,
    title_en,
    status,
    cast(first_year as integer) as first_year,
    cast(coalesce(lag_years, 0) as integer) as lag_years
from {{ source('raw', 'statbank_tables') }}
