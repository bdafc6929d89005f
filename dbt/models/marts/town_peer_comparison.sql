-- Each town against its ten peers across Norway (town_peers), every year: the indicators SSB's
-- 07459 gives for every municipality (int_municipality_indicators, the same definitions as the
-- towns' own), the town's value beside the peers' median, lowest and highest value, and where
-- the town lies: below, within or above the peers' range.
with peers as (
    select town_id, year, peer_municipality_code from {{ ref('town_peers') }}
    where model = 'demographic'
),

towns as (
    select town_id, municipality_code from {{ ref('towns') }}
),

catalogue as (
    -- 07459's indicators: the peers' figures are SSB's (13470's jobs, which the economic model
    -- reads, are sample data in the embedded snapshot)
    select indicator_id, higher_is_better from {{ ref('indicators') }}
    where source_tables = '07459'
),

indicators as (
    select * from {{ ref('int_municipality_indicators') }}
    where indicator_id in (select indicator_id from catalogue)
),

peer_values as (
    select
        peers.town_id,
        peers.year,
        indicators.indicator_id,
        median(indicators.value) as peers_median,
        min(indicators.value) as peers_min,
        max(indicators.value) as peers_max,
        count(indicators.value) as peers_with_value,
        {{ weakest_origin_agg('indicators.origin') }} as origin
    from peers
    inner join indicators
        on indicators.geo_code = peers.peer_municipality_code
        and indicators.year = peers.year
    group by all
)

select
    peer_values.town_id,
    peer_values.year,
    peer_values.indicator_id,
    town.value as town_value,
    peer_values.peers_median,
    peer_values.peers_min,
    peer_values.peers_max,
    cast(peer_values.peers_with_value as integer) as peers_with_value,
    case
        when town.value is null or peer_values.peers_with_value = 0 then null
        when town.value < peer_values.peers_min then 'below'
        when town.value > peer_values.peers_max then 'above'
        else 'within'
    end as position,
    catalogue.higher_is_better,
    peer_values.origin as peers_origin,
    {{ weakest_origin(['coalesce(town.origin, peer_values.origin)', 'peer_values.origin']) }} as origin
from peer_values
inner join towns using (town_id)
inner join catalogue using (indicator_id)
left join indicators as town
    on town.geo_code = towns.municipality_code
    and town.year = peer_values.year
    and town.indicator_id = peer_values.indicator_id
