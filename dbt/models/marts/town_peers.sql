-- Each town's var('peers_per_town') most similar municipalities outside Nordland, every year: a standardised
-- distance on structural variables (seed peer_variables; not outcomes).
-- * Each variable (log of population and density) is standardised across every municipality in
--   Norway with a figure that year: z = (x - mean) / standard deviation.
-- * distance = sqrt(sum over variables of weight * (z_town - z_peer)^2); the peers_per_town smallest
--   are the peers (ties: the lower municipality code first). A town without a figure for a variable
--   (Narvik's ten-year growth before 2030: a series break) is compared on the others, scaled
--   by (model's variables / variables used); at least half the variables must be there.
-- * separating_1..3: the variables with the largest weighted squared difference.
-- * peers_kept: how many of last year's peers are peers again (NULL in the first year).
-- * Two models: demographic (07459, every year from 2005) and economic (13470: jobs, jobs per 100
--   residents aged 20–66 and the industry mix). A variable counts in a year only where it has a
--   figure for at least var('peer_min_coverage') of the municipalities with a population then:
--   standardised over Nordland alone (13470 fetched for the county only) it would find no
--   peers worth the name, so the economic model is left out for such years.
-- origin: the weakest of the figures compared (07459 is SSB's; the sample's 13470 is not).
with variables as (
    select * from {{ ref('peer_variables') }}
),

models as (
    select model, count(*) as variable_count from variables group by all
),

nordland as (
    select municipality_code from {{ ref('nordland_municipalities') }}
),

observed as (
    select
        facts.geo_code as municipality_code,
        facts.year,
        variables.model,
        variables.indicator_id,
        variables.weight,
        case when variables.transform = 'log' then ln(facts.value) else facts.value end as x,
        facts.origin
    from {{ ref('int_municipality_indicators') }} as facts
    inner join variables using (indicator_id)
    where facts.value is not null
      and (variables.transform <> 'log' or facts.value > 0)
),

municipalities as (
    -- per year, how many municipalities have a population: the base of a variable's coverage
    select year, count(*) as municipalities
    from {{ ref('int_municipality_indicators') }}
    where indicator_id = 'population' and value > 0
    group by all
),

covered as (
    select observed.*
    from observed
    inner join municipalities using (year)
    qualify count(*) over (partition by observed.model, observed.year, observed.indicator_id)
        >= {{ var('peer_min_coverage') }} * municipalities.municipalities
),

standardised as (
    select
        *,
        (x - avg(x) over by_variable) / nullif(stddev_samp(x) over by_variable, 0) as z
    from covered
    window by_variable as (partition by model, year, indicator_id)
),

towns as (
    select town_id, municipality_code from {{ ref('towns') }}
),

town_variables as (
    -- the variables a town has figures for (Narvik has no ten-year growth until 2030)
    select towns.town_id, standardised.*,
           count(*) over (partition by towns.town_id, standardised.model, standardised.year)
               as town_variable_count
    from standardised
    inner join towns using (municipality_code)
),

differences as (
    select
        town.town_id,
        town.year,
        town.model,
        peer.municipality_code as peer_code,
        town.indicator_id,
        town.weight * (town.z - peer.z) ^ 2 as contribution,
        town.town_variable_count,
        {{ weakest_origin(['town.origin', 'peer.origin']) }} as origin
    from town_variables as town
    inner join standardised as peer
        on peer.model = town.model
        and peer.year = town.year
        and peer.indicator_id = town.indicator_id
        and peer.z is not null
    where peer.municipality_code not in (select municipality_code from nordland)
),

distances as (
    -- compared on the town's variables; a candidate must have every one of them. Scaled to the
    -- model's number of variables, so distances of towns with a variable missing stay comparable
    select
        differences.town_id,
        differences.year,
        differences.model,
        differences.peer_code,
        sqrt(sum(differences.contribution) * max(models.variable_count) / count(*)) as distance,
        list(differences.indicator_id order by differences.contribution desc,
             differences.indicator_id) as separating,
        count(*) as variables_used,
        {{ weakest_origin_agg('differences.origin') }} as origin
    from differences
    inner join models using (model)
    group by all
    having count(*) = max(differences.town_variable_count)
       and 2 * count(*) >= max(models.variable_count)
),

candidates as (
    select *, count(*) over (partition by town_id, year, model) as municipalities_compared
    from distances
),

ranked as (
    select
        *,
        row_number() over (partition by town_id, year, model order by distance, peer_code) as rank
    from candidates
    qualify rank <= {{ var('peers_per_town') }}
),

ranked_years as (
    select distinct town_id, model, year from ranked
),

kept as (
    select
        this_year.town_id,
        this_year.year,
        this_year.model,
        this_year.peer_code,
        case when earlier.year is not null then last_year.peer_code is not null end
            as was_peer_last_year
    from ranked as this_year
    left join ranked_years as earlier
        on earlier.town_id = this_year.town_id
        and earlier.model = this_year.model
        and earlier.year = this_year.year - 1
    left join ranked as last_year
        on last_year.town_id = this_year.town_id
        and last_year.model = this_year.model
        and last_year.year = this_year.year - 1
        and last_year.peer_code = this_year.peer_code
)

select
    ranked.town_id,
    ranked.year,
    ranked.model,
    cast(ranked.rank as integer) as rank,
    ranked.peer_code as peer_municipality_code,
    areas.municipality_name as peer_municipality_name,
    areas.county_name as peer_county_name,
    round(ranked.distance, 4) as distance,
    ranked.separating[1] as separating_1,
    ranked.separating[2] as separating_2,
    ranked.separating[3] as separating_3,
    {%- for lang in ['nb', 'en'] %}
    concat_ws('; ', first_name.name_{{ lang }}, second_name.name_{{ lang }},
              third_name.name_{{ lang }}) as separating_{{ lang }},
    {%- endfor %}
    kept.was_peer_last_year,
    cast(sum(case when kept.was_peer_last_year then 1 when not kept.was_peer_last_year then 0 end)
        over (partition by ranked.town_id, ranked.year, ranked.model) as integer) as peers_kept,
    cast(ranked.variables_used as integer) as variables_used,
    cast(ranked.municipalities_compared as integer) as municipalities_compared,
    ranked.origin
from ranked
inner join kept using (town_id, year, model, peer_code)
left join {{ ref('municipality_area') }} as areas on ranked.peer_code = areas.municipality_code
left join variables as first_name
    on first_name.model = ranked.model and first_name.indicator_id = ranked.separating[1]
left join variables as second_name
    on second_name.model = ranked.model and second_name.indicator_id = ranked.separating[2]
left join variables as third_name
    on third_name.model = ranked.model and third_name.indicator_id = ranked.separating[3]
