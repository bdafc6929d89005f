-- survey_town_change's values of each wave are the figures survey_town_summary publishes (the
-- same answers counted the same way): any row returned is a disagreement.
select changes.town_id, changes.item_id, changes.measure, changes.to_wave
from {{ ref('survey_town_change') }} as changes
inner join {{ ref('survey_town_summary') }} as earlier
    on earlier.town_id = changes.town_id and earlier.item_id = changes.item_id
    and earlier.measure = changes.measure and earlier.wave = changes.from_wave
inner join {{ ref('survey_town_summary') }} as later
    on later.town_id = changes.town_id and later.item_id = changes.item_id
    and later.measure = changes.measure and later.wave = changes.to_wave
where earlier.n <> changes.n_from
   or later.n <> changes.n_to
   or abs(coalesce(earlier.value, -1) - coalesce(changes.value_from, earlier.value, -1)) > 1e-9
   or abs(coalesce(later.value, -1) - coalesce(changes.value_to, later.value, -1)) > 1e-9
   or (changes.is_suppressed and changes.change is not null)
