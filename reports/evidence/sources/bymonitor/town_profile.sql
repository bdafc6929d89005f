select p.*, t.town_name, t.region_name
from marts.town_profile p
join marts.dim_town t using (town_id)
