-- Gaps in the industry spectrum: location quotients of jobs by industry (13470) for each town.
-- quotient_norway = the industry's share of the town's jobs / its share of Norway's jobs
-- (1 = as in Norway, 0.5 = half as common). quotient_peers: the same against the town's peers
-- (town_peers' demographic model: towns like it in size and age, not in industry mix, which
-- would make the comparison circular) taken together, where 13470 covers at least
-- `min_reference_towns` of them.
-- A possible gap: quotient_norway under `max_quotient` while more than `min_reference_share`
-- of the reference towns are at `reference_quotient` or above; the reference towns are the
-- peers where the table covers enough of them, otherwise the other nine towns (seed
-- industry_gap_thresholds).
with thresholds as (
    select * from {{ ref('industry_gap_thresholds') }}
),

industries as (
    select nace_code, label_nb, label_en, sort_order from {{ ref('nace_groups') }}
),

shares as (
    select
        geo_level,
        geo_code,
        year,
        replace(indicator_id, 'job_share__', '') as nace_code,
        numerator as jobs,
        denominator as jobs_total,
        value as share_pct,
        origin
    from {{ ref('int_jobs_by_industry') }}
    where geo_level in ('town', 'country') and value is not null
),

norway as (
    select year, nace_code, share_pct, origin from shares where geo_level = 'country'
),

towns as (
    select
        shares.geo_code as town_id,
        shares.year,
        shares.nace_code,
        shares.jobs,
        shares.jobs_total,
        shares.share_pct,
        norway.share_pct as norway_share_pct,
        shares.share_pct / nullif(norway.share_pct, 0) as quotient_norway,
        {{ weakest_origin(['shares.origin', 'norway.origin']) }} as origin
    from shares
    inner join norway using (year, nace_code)
    where shares.geo_level = 'town'
),

peer_shares as (
    select
        peers.town_id,
        peers.year,
        municipal.nace_code,
        peers.peer_municipality_code,
        municipal.jobs,
        municipal.jobs_total,
        municipal.share_pct / nullif(norway.share_pct, 0) as quotient_norway,
        {{ weakest_origin(['municipal.origin', 'norway.origin']) }} as origin
    from {{ ref('town_peers') }} as peers
    inner join {{ ref('int_municipality_industry_shares') }} as municipal
        on municipal.municipality_code = peers.peer_municipality_code
        and municipal.year = peers.year
        and peers.model = 'demographic'
    inner join norway
        on norway.year = municipal.year
        and norway.nace_code = municipal.nace_code
),

peer_reference as (
    select
        town_id,
        year,
        nace_code,
        count(*) as peers_covered,
        100.0 * sum(jobs) / nullif(sum(jobs_total), 0) as peers_share_pct,
        count(*) filter (where quotient_norway >= (select reference_quotient from thresholds))
            as at_or_above,
        {{ weakest_origin_agg('origin') }} as origin
    from peer_shares
    group by all
),

ten_towns_reference as (
    select
        town.town_id,
        town.year,
        town.nace_code,
        count(*) as reference_towns,
        count(*) filter (where other.quotient_norway >= (select reference_quotient from thresholds))
            as at_or_above,
        {{ weakest_origin_agg('other.origin') }} as origin
    from towns as town
    inner join towns as other
        on other.year = town.year
        and other.nace_code = town.nace_code
        and other.town_id <> town.town_id
    group by all
),

referenced as (
    select
        towns.*,
        coalesce(peer_reference.peers_covered, 0) as peers_covered,
        peer_reference.peers_share_pct,
        coalesce(peer_reference.peers_covered, 0) >= thresholds.min_reference_towns as peers_suffice,
        thresholds.*,
        peer_reference.at_or_above as peers_at_or_above,
        peer_reference.origin as peers_origin,
        ten_towns_reference.reference_towns as ten_towns_count,
        ten_towns_reference.at_or_above as ten_towns_at_or_above,
        ten_towns_reference.origin as ten_towns_origin
    from towns
    cross join thresholds
    left join peer_reference using (town_id, year, nace_code)
    left join ten_towns_reference using (town_id, year, nace_code)
)

select
    referenced.town_id,
    referenced.year,
    referenced.nace_code,
    industries.label_nb as industry_nb,
    industries.label_en as industry_en,
    cast(industries.sort_order as integer) as industry_order,
    cast(referenced.jobs as bigint) as jobs,
    cast(referenced.jobs_total as bigint) as jobs_total,
    round(referenced.share_pct, 4) as share_pct,
    round(referenced.norway_share_pct, 4) as norway_share_pct,
    round(referenced.quotient_norway, 4) as quotient_norway,
    cast(referenced.peers_covered as integer) as peers_covered,
    case when referenced.peers_suffice
        then round(referenced.share_pct / nullif(referenced.peers_share_pct, 0), 4) end
        as quotient_peers,
    case when referenced.peers_suffice then 'peers' else 'ten_towns' end as reference_group,
    cast(case when referenced.peers_suffice then referenced.peers_covered
        else referenced.ten_towns_count end as integer) as reference_towns,
    round(100.0 * case when referenced.peers_suffice then referenced.peers_at_or_above
        else referenced.ten_towns_at_or_above end
        / nullif(case when referenced.peers_suffice then referenced.peers_covered
            else referenced.ten_towns_count end, 0), 1) as reference_at_or_above_pct,
    round(referenced.quotient_norway, 4) < referenced.max_quotient
        and case when referenced.peers_suffice then referenced.peers_at_or_above
                else referenced.ten_towns_at_or_above end
            > referenced.min_reference_share * case when referenced.peers_suffice
                then referenced.peers_covered else referenced.ten_towns_count end
        as is_possible_gap,
    cast(referenced.max_quotient as double) as gap_below_quotient,
    cast(referenced.reference_quotient as double) as reference_quotient,
    cast(100 * referenced.min_reference_share as double) as min_reference_share_pct,
    cast(referenced.min_reference_towns as integer) as min_reference_towns,
    {{ weakest_origin(['referenced.origin', "coalesce(case when referenced.peers_suffice then referenced.peers_origin else referenced.ten_towns_origin end, referenced.origin)"]) }} as origin
from referenced
inner join industries using (nace_code)
