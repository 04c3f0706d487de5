{#-
    What your data looked like to staging, in one table: the run summary and the
    Dagster asset show it. It reads staging only, so it builds (and explains)
    even when a later layer fails on the data.
-#}
{%- set settings = [
    'raw_timestamp_formats', 'raw_id_formats', 'max_quarantine_share', 'future_tolerance_seconds',
    'late_arrival_minutes', 'session_gap_minutes', 'test_days', 'validation_days',
    'eval_window_share', 'label_horizon_hours', 'affinity_half_life_days',
    'negative_sampling', 'negatives_per_positive', 'history_cap', 'min_cooccurrence',
] -%}

with

quarantine_summary as (
    select * from {{ ref('int_quarantine_summary') }}
),

timestamp_formats as (
    select * from {{ ref('stg_social__timestamp_formats') }}
),

id_formats as (
    select * from {{ ref('stg_social__id_formats') }}
),

events as (
    select * from {{ ref('stg_social__events') }}
),

users_quarantine as (
    select * from {{ ref('stg_social__users_quarantine') }}
),

tweets_quarantine as (
    select * from {{ ref('stg_social__tweets_quarantine') }}
),

follows_quarantine as (
    select * from {{ ref('stg_social__follows_quarantine') }}
),

events_quarantine as (
    select * from {{ ref('stg_social__events_quarantine') }}
),

app_logs_quarantine as (
    select * from {{ ref('stg_social__app_logs_quarantine') }}
),

-- One example row per table and reason, as column='value' pairs.
{%- set example_columns = {
    'users': ['user_id', 'signup_at', 'is_verified'],
    'tweets': ['tweet_id', 'author_id', 'created_at', 'deleted_at'],
    'follows': ['follower_id', 'followee_id', 'followed_at'],
    'events': ['event_ts', 'ingested_at', 'user_id', 'tweet_id', 'event_type'],
    'app_logs': ['line'],
} %}
examples as (
    {%- for table, columns in example_columns.items() %}
        {%- set pairs = [] %}
        {%- for column in columns %}{% do pairs.append((column, column)) %}{% endfor %}
        select
            '{{ table }}' as source_table,
            quarantine_reason as reason,
            left(min({{ example_row(pairs) }}), 300) as example
        from {{ table }}_quarantine
        group by quarantine_reason
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

quarantine_rows as (
    select
        'quarantine' as section,
        quarantine_summary.source_table || ': ' || quarantine_summary.reason as subject,
        cast(quarantine_summary.row_count as string) || ' rows ' || quarantine_summary.disposition
            as finding,
        examples.example
    from quarantine_summary
    left join examples
        on
            quarantine_summary.source_table = examples.source_table
            and quarantine_summary.reason = examples.reason
),

format_rows as (
    select
        'timestamp_format' as section,
        source_table || '.' || column_name as subject,
        'read as ' || max(chosen_format)
        || case max(declared_format) when 'auto' then ' (detected)' else ' (declared)' end
        || '; values: ' || {{ string_agg_ordered(
            "value_format || ' ' || cast(value_count as string)", "', '",
            'value_count desc, value_format asc',
        ) }}
            as finding,
        max(case when value_format = max_chosen then example_value end) as example
    from (
        select
            *,
            max(chosen_format) over (partition by source_table, column_name) as max_chosen
        from timestamp_formats
    ) as formats
    group by source_table, column_name
),

id_rows as (
    select
        'id_format' as section,
        id_space || ' ids' as subject,
        'read as ' || chosen_format
        || case declared_format when 'auto' then ' (detected)' else ' (declared)' end
        || '; ' || cast(integer_ids as string) || ' of ' || cast(non_empty_ids as string)
        || ' ids in ' || owning_column || ' are whole numbers' as finding,
        example_id as example
    from id_formats
),

span_rows as (
    select
        'span' as section,
        'events' as subject,
        cast(count(*) as string) || ' clean events, ' || cast(count(distinct user_id) as string)
        || ' users, ' || cast(count(distinct tweet_id) as string) || ' tweets over '
        || cast(coalesce({{ ml_datediff('min(event_at)', 'max(event_at)', 'day') }}, 0) + 1 as string)
        || ' days' as finding,
        cast(min(event_at) as string) || ' .. ' || cast(max(event_at) as string) as example
    from events
),

setting_rows as (
    {%- for name in settings %}
        {%- set value = var(name, none) | tojson | replace("'", "''") %}
        select
            'setting' as section,
            '{{ name }}' as subject,
            '{{ value }}' as finding,
            cast(null as string) as example
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

final as (
    select * from span_rows
    union all
    select * from format_rows
    union all
    select * from id_rows
    union all
    select * from quarantine_rows
    union all
    select * from setting_rows
)

select * from final
