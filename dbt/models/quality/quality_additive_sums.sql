-- For the gate's additivity rule: every count the regional and county figures are built from
-- (persons, births, jobs, ...) against the sum over the municipalities that make up the
-- geography. A region is the sum of its members; Nordland's figure is StatBank's own, which must
-- equal the sum of its municipalities. Years where a member has no figure (a series break, a
-- suppressed cell) are left out.
with members as (
    select * from {{ ref('int_geo_members') }}
    where geo_level in ('region', 'county')
),

municipal as (
    select region_id as municipality_code, year, measure, value
    from {{ ref('int_statbank__measures') }}
    where region_level = 'municipality'
),

member_sums as (
    select
        members.geo_level,
        members.geo_code,
        municipal.year,
        municipal.measure,
        sum(municipal.value) as members_sum,
        count(municipal.value) as members_with_figure
    from members
    inner join municipal using (municipality_code)
    group by all
),

member_counts as (
    select geo_level, geo_code, count(*) as members from members group by all
)

select
    reported.geo_level,
    reported.geo_code,
    places.place_nb,
    places.place_en,
    reported.year,
    reported.measure,
    labels.label_nb,
    labels.label_en,
    labels.table_id,
    reported.value as reported,
    member_sums.members_sum,
    member_counts.members,
    reported.value - member_sums.members_sum as difference,
    abs(reported.value - member_sums.members_sum) as difference_abs
from {{ ref('int_geo_measures') }} as reported
inner join member_sums using (geo_level, geo_code, year, measure)
inner join member_counts using (geo_level, geo_code)
inner join {{ ref('quality_places') }} as places using (geo_level, geo_code)
left join {{ ref('measures') }} as labels using (measure)
where reported.value is not null
  and member_sums.members_with_figure = member_counts.members
