-- Which towns each measure covers, per register year: the towns the register names, or all ten
-- for a measure for the whole region ('region').
with measures as (
    select register_year, measure_id, towns, is_regional
    from {{ ref('stg_plan__measures') }}
),

named as (
    select register_year, measure_id, is_regional, trim(unnest(string_split(towns, ';'))) as town_id
    from measures
    where not is_regional
)

select named.register_year, named.measure_id, named.town_id, named.is_regional
from named
inner join {{ ref('towns') }} as towns on named.town_id = towns.town_id
union all
select measures.register_year, measures.measure_id, towns.town_id, measures.is_regional
from measures
cross join {{ ref('towns') }} as towns
where measures.is_regional
