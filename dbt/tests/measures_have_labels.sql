-- Every base measure that is built has a row in the measures seed (the gate's accounting
-- messages name measures by its labels).
select distinct built.measure
from {{ ref('int_statbank__measures') }} as built
left join {{ ref('measures') }} as labelled using (measure)
where labelled.measure is null
