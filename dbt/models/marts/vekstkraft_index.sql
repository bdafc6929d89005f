-- The growth-potential index per town and year, with how it was made (see int_vekstkraft and
-- the index_weights seed): the weighted score, the 0-100 scale among the ten, the rank.
select
    vekstkraft.town_id,
    towns.town_name,
    cast(vekstkraft.year as integer) as year,
    vekstkraft.index_0_100,
    cast(vekstkraft.rank as integer) as rank,
    vekstkraft.score,
    vekstkraft.weight_covered,
    cast(vekstkraft.indicators_used as integer) as indicators_used,
    vekstkraft.indicators_missing,
    vekstkraft.status,
    vekstkraft.origin
from {{ ref('int_vekstkraft') }} as vekstkraft
inner join {{ ref('dim_town') }} as towns using (town_id)
