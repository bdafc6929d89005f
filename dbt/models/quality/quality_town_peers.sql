-- For the gate's plausibility check of town_peers: per town and year, how many peers it has,
-- the smallest distance and whether any peer lies in Nordland.
with peers as (
    select * from {{ ref('town_peers') }}
),

years as (
    select distinct year from peers
)

select
    towns.town_id,
    years.year,
    count(peers.rank) as peers,
    min(peers.distance) as min_distance,
    count(*) filter (
        where peers.peer_municipality_code in (
            select municipality_code from {{ ref('nordland_municipalities') }}
        )
    ) as peers_in_nordland
from {{ ref('dim_town') }} as towns
cross join years
left join peers on peers.town_id = towns.town_id and peers.year = years.year
group by all
