-- The indicator catalogue: the statistics' indicators from the seed, plus one indicator per
-- survey item and measure, generated from the survey codebook. index_weight and index_order:
-- the indicator's weight in the vekstkraft index and its place in the list of them (the
-- index_weights seed), NULL for indicators not in the index.
with survey_items as (
    select * from {{ ref('stg_survey__items') }}
    where item_type in ('yesno', 'likert5')
),

survey_measures as (
    -- min_meaningful_difference: 10 percentage points for the survey's shares (besides their 95 %
    -- interval, see town_strengths_weaknesses); none for the mean agreement, whose item counts
    -- through its share agreeing
    select 'share_yes' as measure, 'yesno' as item_type, 'Andel ja' as measure_nb,
           'Share answering yes' as measure_en, 'percent' as unit, 1 as decimals, 0.0 as min_value, 100.0 as max_value,
           10.0 as min_meaningful_difference
    union all
    select 'mean_agreement', 'likert5', 'Gjennomsnittlig enighet (1–5)', 'Mean agreement (1–5)',
           'mean_score', 2, 1.0, 5.0, null
    union all
    select 'share_agree', 'likert5', 'Andel enige (4–5)', 'Share agreeing (4–5)', 'percent', 1, 0.0, 100.0, 10.0
),

index_tables as (
    -- the growth-potential index is made of the indicators in index_weights: their tables
    select string_agg(distinct trim(source_table), ', ' order by trim(source_table)) as source_tables
    from {{ ref('index_weights') }} as weights
    inner join {{ ref('indicators') }} as indicators using (indicator_id)
    cross join unnest(string_split(indicators.source_tables, ',')) as tables (source_table)
)

select
    indicator_id,
    name_nb,
    name_en,
    unit,
    perspective,
    higher_is_better,
    decimals,
    is_headline,
    cast(min_value as double precision) as min_value,
    cast(max_value as double precision) as max_value,
    cast(max_change_1y_pct as double precision) as max_change_1y_pct,
    cast(min_meaningful_difference as double precision) as min_meaningful_difference,
    case when indicator_id = 'vekstkraft_index' then (select source_tables from index_tables)
         else source_tables end as source_tables,
    definition_nb,
    definition_en,
    family,
    report_order,
    overview_order,
    cast(weights.weight as double precision) as index_weight,
    cast(weights.sort_order as integer) as index_order
from {{ ref('indicators') }}
left join {{ ref('index_weights') }} as weights using (indicator_id)

union all

select
    'survey_' || survey_measures.measure || '__' || survey_items.item_id,
    survey_items.label_nb || ': ' || lower(survey_measures.measure_nb),
    survey_items.label_en || ': ' || lower(survey_measures.measure_en),
    survey_measures.unit,
    'innovation_creativity',
    true,
    survey_measures.decimals,
    false,
    survey_measures.min_value,
    survey_measures.max_value,
    null,
    survey_measures.min_meaningful_difference,
    'survey',
    survey_measures.measure_nb || ' blant næringslivslederne i byen som svarte på spørsmålet '
        || '(«vet ikke» og tomme svar teller ikke). Færre enn {{ var("small_cell_n") }} svar vises ikke.',
    survey_measures.measure_en || ' among the business leaders in the town who answered the item '
        || '("don''t know" and empty answers do not count). Fewer than {{ var("small_cell_n") }} answers are not shown.',
    'survey',
    cast(1000 + row_number() over (order by survey_items.item_id, survey_measures.measure) as integer),
    cast(null as integer),
    cast(null as double precision),
    cast(null as integer)
from survey_items
inner join survey_measures using (item_type)

union all

select
    'job_share__' || nace_code,
    'Andel arbeidsplasser: ' || label_nb,
    'Share of jobs: ' || label_en,
    'percent',
    'labour_business',
    null,
    1,
    false,
    0.0,
    100.0,
    null,
    null,
    '13470',
    'Sysselsatte etter arbeidssted i næringen (' || label_nb || ') i prosent av alle sysselsatte etter arbeidssted.',
    'Employed persons by place of work in the industry (' || label_en || ') in percent of all.',
    'job_share',
    cast(2000 + row_number() over (order by nace_code) as integer),
    cast(null as integer),
    cast(null as double precision),
    cast(null as integer)
from {{ ref('nace_groups') }}
