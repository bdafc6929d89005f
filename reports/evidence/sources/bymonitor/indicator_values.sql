select f.*, i.name_nb, i.unit, i.perspective
from marts.fct_indicator_values f
join marts.dim_indicator i using (indicator_id)
where f.value is not null
