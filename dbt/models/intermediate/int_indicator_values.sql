-- Every indicator from the statistics, for every geography and year.
select * from {{ ref('int_indicator_values_statbank') }}
union all
select * from {{ ref('int_indicator_values_derived') }}
union all
select * from {{ ref('int_jobs_by_industry') }}
