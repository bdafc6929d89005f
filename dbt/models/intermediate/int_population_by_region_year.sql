-- Population on 1 January (SSB 07459, persons) per region and year: the sum over sex and age.
-- A total is a figure only if every part is; otherwise it carries the parts' status.
select
    region_level,
    region_id,
    year,
    case when count(value) = count(*) then sum(value) end as population,
    case when count(value) < count(*) then {{ worst_value_status_agg('status') }} end as status,
    string_agg(distinct ssb_status, ',') as ssb_status,
    string_agg(distinct load_ids, ',') as load_ids,
    {{ weakest_origin_agg('origin') }} as origin
from {{ ref('int_statbank__cells_on_current_codes') }}
where table_id = '07459'
  and contents_code = 'Personer1'
group by region_level, region_id, year
