-- How the figures the action programme's measures aim at have moved: per register year,
-- measure, indicator and town covered (all ten for a measure for the whole region), the
-- baseline value, the latest value after the baseline up to the register's year, the target,
-- and a plain verdict.
--
-- direction: the register's intended direction, else the way from the baseline to the target
-- value. change_in_direction = the change (in the comparison basis), turned where down is
-- intended: positive is the intended way. progress_share = how far along the way from baseline to target value (1 =
-- reached); time_share = how much of the time from baseline year to target year has passed.
-- Counts (unit persons: population, jobs, commuters) are compared in percent of the baseline
-- (comparison_basis 'percent': a town and the county differ in size), everything else in the
-- indicator's unit ('difference'). The threshold of a clear movement is the indicator's
-- min_meaningful_difference, 1 % for a count, 0 where neither applies.
--
-- verdict (seed measure_verdicts) and verdict_reason, in this order:
--   too_early  not_started (the measure is planned), no_baseline_value, no_figure_since_baseline
--   on_track   target_reached (the target value is reached or passed)
--   wrong_way  moved_wrong_way (moved against the intended direction by more than the threshold)
--   on_track   on_path (progress_share >= time_share), moved_intended (direction only: moved the
--              intended way by more than the threshold)
--   not_yet    behind_path (moved the intended way, but behind the path to the target),
--              no_meaningful_change
--
-- Yardsticks over the same years: county_change (Nordland), peers_median_change (the median
-- change of the town's ten similar municipalities outside Nordland, town_peers of the latest
-- year, for 07459's indicators, where at least min_peers_for_band have both figures),
-- towns_median_change (the median change of the ten towns). yardstick_change is the first of
-- peers, county, towns there is; change_vs_yardstick is the town's change minus it, turned
-- where down is intended (positive: better than the yardstick).
with links as (
    select
        links.*,
        measures.measure_status,
        measures.theme,
        measures.origin as register_origin
    from {{ ref('stg_plan__measure_indicators') }} as links
    inner join {{ ref('stg_plan__measures') }} as measures
        on links.register_year = measures.register_year and links.measure_id = measures.measure_id
),

pairs as (
    select links.*, covered.town_id, covered.is_regional
    from links
    inner join {{ ref('int_plan_measure_towns') }} as covered
        on links.register_year = covered.register_year and links.measure_id = covered.measure_id
),

figures as (
    select geo_level, geo_code, year, indicator_id, value, origin
    from {{ ref('fct_indicator_values') }}
    where value is not null
),

latest as (
    select
        pairs.register_year, pairs.measure_id, pairs.indicator_id, pairs.town_id,
        max(figures.year) as latest_year,
        arg_max(figures.value, figures.year) as latest_value,
        arg_max(figures.origin, figures.year) as latest_origin
    from pairs
    inner join figures
        on figures.geo_level = 'town' and figures.geo_code = pairs.town_id
        and figures.indicator_id = pairs.indicator_id
        and figures.year > pairs.baseline_year and figures.year <= pairs.register_year
    group by all
),

measured as (
    select
        pairs.*,
        baseline.value as baseline_value,
        baseline.origin as baseline_origin,
        latest.latest_year,
        latest.latest_value,
        latest.latest_origin,
        catalogue.min_meaningful_difference,
        coalesce(catalogue.unit = 'persons', false) as is_count,
        coalesce(
            pairs.target_direction,
            case
                when pairs.target_value > baseline.value then 'up'
                when pairs.target_value < baseline.value then 'down'
            end,
            case when catalogue.higher_is_better = false then 'down' else 'up' end
        ) as direction
    from pairs
    left join figures as baseline
        on baseline.geo_level = 'town' and baseline.geo_code = pairs.town_id
        and baseline.indicator_id = pairs.indicator_id and baseline.year = pairs.baseline_year
    left join latest
        on pairs.register_year = latest.register_year and pairs.measure_id = latest.measure_id
        and pairs.indicator_id = latest.indicator_id and pairs.town_id = latest.town_id
    left join {{ ref('dim_indicator') }} as catalogue on pairs.indicator_id = catalogue.indicator_id
),

county as (
    select
        measured.register_year, measured.measure_id, measured.indicator_id, measured.town_id,
        {{ measure_change('earlier.value', 'later.value', 'measured.is_count') }} as county_change,
        {{ weakest_origin(['earlier.origin', 'later.origin']) }} as county_origin
    from measured
    inner join figures as earlier
        on earlier.geo_level = 'county' and earlier.indicator_id = measured.indicator_id
        and earlier.year = measured.baseline_year
    inner join figures as later
        on later.geo_level = 'county' and later.indicator_id = measured.indicator_id
        and later.year = measured.latest_year
),

town_changes as (
    select
        earlier.indicator_id, earlier.year as baseline_year, later.year as latest_year,
        median({{ measure_change('earlier.value', 'later.value', 'spans.is_count') }})
            as towns_median_change,
        count(*) as towns_with_change,
        {{ weakest_origin_agg(weakest_origin(['earlier.origin', 'later.origin'])) }} as towns_origin
    from (select distinct indicator_id, baseline_year, latest_year, is_count from measured) as spans
    inner join figures as earlier
        on earlier.geo_level = 'town' and earlier.indicator_id = spans.indicator_id
        and earlier.year = spans.baseline_year
    inner join figures as later
        on later.geo_level = 'town' and later.geo_code = earlier.geo_code
        and later.indicator_id = spans.indicator_id and later.year = spans.latest_year
    group by all
),

peers as (
    select
        measured.register_year, measured.measure_id, measured.indicator_id, measured.town_id,
        median({{ measure_change('earlier.value', 'later.value', 'measured.is_count') }})
            as peers_median_change,
        count(*) as peers_with_change,
        {{ weakest_origin_agg(weakest_origin(['earlier.origin', 'later.origin'])) }} as peers_origin
    from measured
    inner join {{ ref('town_peers') }} as town_peers
        on town_peers.town_id = measured.town_id and town_peers.year = measured.latest_year
        and town_peers.model = 'demographic'
    inner join {{ ref('int_municipality_indicators') }} as earlier
        on earlier.geo_code = town_peers.peer_municipality_code
        and earlier.indicator_id = measured.indicator_id and earlier.year = measured.baseline_year
    inner join {{ ref('int_municipality_indicators') }} as later
        on later.geo_code = town_peers.peer_municipality_code
        and later.indicator_id = measured.indicator_id and later.year = measured.latest_year
    where earlier.value is not null and later.value is not null
    group by all
    having count(*) >= {{ var('min_peers_for_band') }}
),

compared as (
    select
        measured.*,
        case when measured.direction = 'down' then -1 else 1 end as sign,
        case when measured.is_count then 1.0 else coalesce(measured.min_meaningful_difference, 0) end
            as threshold,
        measured.latest_value - measured.baseline_value as change,
        {{ measure_change('measured.baseline_value', 'measured.latest_value', 'measured.is_count') }}
            as compared_change,
        county.county_change,
        county.county_origin,
        peers.peers_median_change,
        peers.peers_origin,
        town_changes.towns_median_change,
        town_changes.towns_origin,
        case
            when measured.target_value is not null and measured.target_value <> measured.baseline_value
                then (measured.latest_value - measured.baseline_value)
                    / (measured.target_value - measured.baseline_value)
        end as progress_share,
        least(
            1.0,
            (measured.latest_year - measured.baseline_year)
                / (measured.target_year - measured.baseline_year)::double
        ) as time_share
    from measured
    left join county
        on measured.register_year = county.register_year and measured.measure_id = county.measure_id
        and measured.indicator_id = county.indicator_id and measured.town_id = county.town_id
    left join peers
        on measured.register_year = peers.register_year and measured.measure_id = peers.measure_id
        and measured.indicator_id = peers.indicator_id and measured.town_id = peers.town_id
    left join town_changes
        on measured.indicator_id = town_changes.indicator_id
        and measured.baseline_year = town_changes.baseline_year
        and measured.latest_year = town_changes.latest_year
),

judged as (
    select
        *,
        sign * compared_change as change_in_direction,
        case
            when measure_status = 'planned' then 'not_started'
            when baseline_value is null then 'no_baseline_value'
            when latest_value is null then 'no_figure_since_baseline'
            when target_value is not null and sign * (latest_value - target_value) >= 0
                then 'target_reached'
            when sign * compared_change < -threshold then 'moved_wrong_way'
            when target_value is not null and progress_share >= time_share then 'on_path'
            when target_value is null and sign * compared_change > threshold then 'moved_intended'
            when sign * compared_change > threshold then 'behind_path'
            else 'no_meaningful_change'
        end as verdict_reason,
        case
            when peers_median_change is not null then 'peers'
            when county_change is not null then 'county'
            when towns_median_change is not null then 'towns'
        end as yardstick,
        coalesce(peers_median_change, county_change, towns_median_change) as yardstick_change
    from compared
)

select
    cast(judged.register_year as integer) as register_year,
    judged.measure_id,
    judged.indicator_id,
    judged.town_id,
    judged.is_regional,
    judged.theme,
    judged.measure_status,
    cast(judged.baseline_year as integer) as baseline_year,
    judged.baseline_value,
    cast(judged.latest_year as integer) as latest_year,
    judged.latest_value,
    judged.target_value,
    judged.direction,
    cast(judged.target_year as integer) as target_year,
    judged.change,
    case when judged.is_count then 'percent' else 'difference' end as comparison_basis,
    judged.change_in_direction,
    judged.progress_share,
    judged.time_share,
    judged.min_meaningful_difference,
    verdicts.verdict,
    judged.verdict_reason,
    verdicts.label_nb as verdict_nb,
    verdicts.label_en as verdict_en,
    judged.county_change,
    judged.peers_median_change,
    judged.towns_median_change,
    judged.yardstick,
    judged.yardstick_change,
    judged.sign * (judged.compared_change - judged.yardstick_change) as change_vs_yardstick,
    {{ weakest_origin([
        'judged.register_origin', 'judged.baseline_origin', 'judged.latest_origin',
        "case judged.yardstick when 'peers' then judged.peers_origin when 'county' then judged.county_origin when 'towns' then judged.towns_origin end"
    ]) }} as origin
from judged
inner join {{ ref('measure_verdicts') }} as verdicts
    on verdicts.verdict = case
        when judged.verdict_reason in ('not_started', 'no_baseline_value', 'no_figure_since_baseline')
            then 'too_early'
        when judged.verdict_reason in ('target_reached', 'on_path', 'moved_intended') then 'on_track'
        when judged.verdict_reason = 'moved_wrong_way' then 'wrong_way'
        else 'not_yet'
    end
