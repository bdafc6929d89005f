-- For the gate's plausibility check of town_peers: per town, model and year, how many peers it
-- has, the smallest distance and whether any peer lies in Nordland. is_latest marks each
-- model's latest year (the economic model follows 13470, a year behind 07459).
with peers as (
    select * from {{ ref('town_peers') }}
),

years as (
    select model, year, year = max(year) over (partition by model) as is_latest
    from (select distinct model, year from peers)
)

select
    towns.town_id,
    years.model,
    years.year,
    years.is_latest,
    count(peers.rank) as peers,
    min(peers.distance) as min_distance,
    count(*) filter (
        where peers.peer_municipality_code in (
            select municipality_code from {{ ref('nordland_municipalities') }}
        )
    ) as peers_in_nordland
from {{ ref('dim_town') }} as towns
cross join years
left join peers
    on peers.town_id = towns.town_id and peers.model = years.model and peers.year = years.year
group by all
