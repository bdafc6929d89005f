-- Every input file loaded into the warehouse: what feeds the marts, for traceability.
-- is_used says whether the marts read the load now: a StatBank file whose every cell a later
-- file of the same table replaced is not used any more. origin is the load's value_origin in the
-- report's vocabulary (official, estimate, sample); wave is a survey's or interview round's year,
-- or an action programme register's year.
with statbank_used as (
    select distinct unnest(string_split(load_ids, ',')) as load_id
    from {{ ref('int_statbank__cells_on_current_codes') }}
),

people as (
    select load_id, min(wave) as wave from {{ ref('stg_survey__respondents') }} group by load_id
    union all
    select load_id, min(wave) from {{ ref('stg_interviews__interviews') }} group by load_id
),

-- An action programme register's load says its year; the report shows the programme, so every
-- register loaded is used (the sources section names it in words, with its year).
registers as (
    select load_id, min(register_year) as register_year
    from {{ ref('stg_plan__measures') }}
    group by load_id
)

select
    loads.load_id,
    loads.source,
    loads.table_id,
    loads.file_name,
    loads.sha256,
    loads.rows_loaded,
    loads.rows_rejected,
    loads.loaded_at,
    loads.value_origin,
    {{ load_origin('loads.value_origin') }} as origin,
    cast(coalesce(people.wave, registers.register_year) as integer) as wave,
    (
        statbank_used.load_id is not null
        or people.load_id is not null
        or registers.load_id is not null
    ) as is_used
from {{ source('raw', '_loads') }} as loads
left join statbank_used on loads.load_id = statbank_used.load_id
left join people on loads.load_id = people.load_id
left join registers on loads.load_id = registers.load_id
