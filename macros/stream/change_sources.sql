{#-
    Where the change feed (macros/stream/changed_keys.sql) starts: the two
    models that decide what a batch changed downstream.
-#}

{% macro stream_bot_flags_relation() -%}
    {{- return('stream_state.bot_flags') -}}
{%- endmacro %}


{#- post-hook of stg_social__events_validated: from a landing zone, the users,
    tweets and event times of every row this run (re)wrote are changed. -#}
{% macro stream_log_staged_changes() -%}
    {%- if execute and raw_events_are_batches() -%}
        {%- set written = '(select * from ' ~ this ~ " where load_id = '" ~ invocation_id ~ "')" -%}
        {{ run_statements(stream_log_event_rows_changed(written)) }}
    {%- endif -%}
{%- endmacro %}


{#- Statements: log the users, tweets and earliest event time of `rows` (SQL
    with user_id, tweet_id and event_at) as changed by this model in this run. -#}
{% macro stream_log_event_rows_changed(rows) -%}
    {{ stream_log_changed_keys('user', '(select user_id as key_id from ' ~ rows ~ ' as w)') }};
    {{ stream_log_changed_keys('tweet', '(select tweet_id as key_id from ' ~ rows ~ ' as w)') }};
    {{ stream_log_changed_time('(select event_at as changed_at from ' ~ rows ~ ' as w)') }}
{%- endmacro %}


{#- post-hook of int_users_bot_flagged: from a landing zone, a user whose flag
    (bot_since_at, bot_reason) differs from the last run's is changed; their
    bot status moved for events already folded in (a new batch shifts the
    population a rate is judged against, or flags them from some hour on).
    The flags of this run are then the last run's for the next. -#}
{% macro stream_log_bot_flag_changes() -%}
    {%- if execute and raw_events_are_batches() -%}
        {%- set statements -%}
        {%- set current = '(select user_id, bot_since_at, bot_reason from ' ~ this ~ ')' -%}
        {%- set previous = '(select user_id, bot_since_at, bot_reason from '
            ~ stream_bot_flags_relation() ~ ')' -%}
        {{ stream_log_changed_keys('user',
            '(select user_id as key_id from (' ~ current ~ ' except ' ~ previous ~ ')'
            ~ ' union select user_id as key_id from (' ~ previous ~ ' except ' ~ current ~ '))') }};
        {{ stream_log_changed_time(
            '(select bot_since_at as changed_at from (' ~ current ~ ' except ' ~ previous ~ ')'
            ~ ' union all select bot_since_at as changed_at from (' ~ previous ~ ' except ' ~ current ~ '))') }};
        {{ delete_rows(stream_bot_flags_relation()) }};
        insert into {{ stream_bot_flags_relation() }} (user_id, bot_since_at, bot_reason)
        select user_id, bot_since_at, bot_reason from {{ this }}
        {%- endset -%}
        {{ run_statements(statements) }}
    {%- endif -%}
{%- endmacro %}


{#- The tweets whose human counts a moved bot flag changes: every tweet the
    users whose flag moved acted on (SQL, one column key_id). For
    stream_keyed_incremental's extra_changes; the tweets the events name
    (`named`) are claimed already. -#}
{% macro bot_flag_tweets(named) -%}
    (
        select distinct events.tweet_id as key_id
        from {{ ref('stg_social__events') }} as events
        where events.user_id in {{ stream_parent_changes('user', ['int_users_bot_flagged']) }}
    )
{%- endmacro %}
