-- The early-warning rules of seed signal_rules that exist for the ten towns only, every year:
-- * peer_band: the town's value lies outside the band between the `threshold` and
--   (100 - `threshold`) percentiles of its ten peers' values (town_peers; linear interpolation
--   between the sorted values), on the unfavourable side (`direction`: falling = below the band);
--   a value on the band's edge is inside;
-- * survey_drop: a share in the survey (agreeing, or yes) fell from the town's previous wave by
--   more than `threshold` standard errors of the difference (binomial: p(1 - p) / n per wave);
--   subject is the survey item.
with rules as (
    select * from {{ ref('signal_rules') }}
),

towns as (
    select town_id, municipality_code from {{ ref('towns') }}
),

indicators as (
    select * from {{ ref('int_municipality_indicators') }}
    where value is not null
),

peer_values as (
    select
        rules.rule_id,
        peers.town_id,
        peers.year,
        list(indicators.value order by indicators.value) as sorted,
        count(*) as peers_with_value,
        rules.threshold / 100.0 * (count(*) - 1) as lower_position,
        (1 - rules.threshold / 100.0) * (count(*) - 1) as upper_position,
        {{ weakest_origin_agg('indicators.origin') }} as origin
    from {{ ref('town_peers') }} as peers
    inner join rules on rules.kind = 'peer_band' and peers.model = 'demographic'
    inner join indicators
        on indicators.geo_code = peers.peer_municipality_code
        and indicators.year = peers.year
        and indicators.indicator_id = rules.series
    group by rules.rule_id, rules.threshold, peers.town_id, peers.year
),

bands as (
    select
        *,
        sorted[floor(lower_position)::integer + 1]
            + (lower_position - floor(lower_position))
            * (sorted[ceil(lower_position)::integer + 1] - sorted[floor(lower_position)::integer + 1])
            as lower_bound,
        sorted[floor(upper_position)::integer + 1]
            + (upper_position - floor(upper_position))
            * (sorted[ceil(upper_position)::integer + 1] - sorted[floor(upper_position)::integer + 1])
            as upper_bound
    from peer_values
),

band_evaluations as (
    select
        bands.rule_id,
        towns.municipality_code,
        bands.year,
        null::varchar as subject,
        null::varchar as subject_nb,
        null::varchar as subject_en,
        bands.peers_with_value >= {{ var('min_peers_for_band') }} and case rules.direction
            when 'falling' then round(town.value, 4) < round(bands.lower_bound, 4)
            else round(town.value, 4) > round(bands.upper_bound, 4)
        end as is_raised,
        null::integer as since_year,
        bands.year as start_year,
        rules.window_years as years,
        bands.lower_bound as value_a,
        town.value as value_b,
        case rules.direction when 'falling' then town.value - bands.lower_bound
            else town.value - bands.upper_bound end as change_value,
        bands.upper_bound as reference_value,
        {{ weakest_origin(['town.origin', 'bands.origin']) }} as origin
    from bands
    inner join rules using (rule_id)
    inner join towns using (town_id)
    inner join indicators as town
        on town.geo_code = towns.municipality_code
        and town.year = bands.year
        and town.indicator_id = rules.series
),

survey as (
    select
        *,
        lag(wave) over by_item as previous_wave,
        lag(value) over by_item as previous_value,
        lag(n) over by_item as previous_n,
        lag(origin) over by_item as previous_origin
    from {{ ref('survey_town_summary') }}
    where measure in ('share_agree', 'share_yes') and value is not null
    window by_item as (partition by town_id, item_id, measure order by wave)
),

survey_evaluations as (
    select
        rules.rule_id,
        towns.municipality_code,
        survey.wave as year,
        survey.item_id as subject,
        '«' || survey.item_label_nb || '», andel '
            || case survey.measure when 'share_yes' then 'ja' else 'enige' end as subject_nb,
        '“' || survey.item_label_en || '”, share '
            || case survey.measure when 'share_yes' then 'yes' else 'agreeing' end as subject_en,
        round(survey.previous_value - survey.value, 4) > round(rules.threshold * 100 * sqrt(
            survey.previous_value / 100 * (1 - survey.previous_value / 100) / survey.previous_n
            + survey.value / 100 * (1 - survey.value / 100) / survey.n
        ), 4) as is_raised,
        null::integer as since_year,
        survey.previous_wave as start_year,
        survey.wave - survey.previous_wave as years,
        survey.previous_value as value_a,
        survey.value as value_b,
        survey.value - survey.previous_value as change_value,
        rules.threshold * 100 * sqrt(
            survey.previous_value / 100 * (1 - survey.previous_value / 100) / survey.previous_n
            + survey.value / 100 * (1 - survey.value / 100) / survey.n
        ) as reference_value,
        {{ weakest_origin(['survey.origin', 'survey.previous_origin']) }} as origin
    from survey
    inner join rules on rules.kind = 'survey_drop'
    inner join towns using (town_id)
    where survey.previous_wave is not null
)

select * from band_evaluations
union all by name
select * from survey_evaluations
