{{ config(schema='intermediate', **stream_request_incremental()) }}
{#- The small side of every join is on the right: see macros/ml/ml_join_build_side.sql. -#}
{{ config(pre_hook=['{{ ml_join_build_as_written() }}'], post_hook=['{{ ml_join_build_reset() }}']) }}

-- depends_on: {{ ref('int_ml_time_windows') }}

{#- Per request, the counts of earlier activity: events (impressions,
    engagements) and follow edges strictly before the request time T, per
    key (tweet, author, user, user-author, user-topic). Two ways, decided per
    request, both counting exactly the activity with a time < T:
    - a request that IS an event (a training impression: request_id =
      event_id, same user, tweet and time) reads the running counts computed
      at event grain, one sort of the activity per key, where an event sees
      the activity before its own instant (same-instant peers excluded);
      a sampled negative (int_feature_requests, implicit-feedback logs) is
      put on the time line as a row that counts nothing, so it reads the
      same running counts at its time without a per-time aggregate (there
      are as many distinct times as positives);
    - any other request (the scoring candidates, all at their scope's as-of
      time) reads per-key counts aggregated over the activity before each
      distinct request time: cheap for a few distinct times (two scopes);
      the cost grows with their number.
    Both add the activity before the earliest request computed here (the
    split) as per-key totals, one hash aggregate, to counts over the activity
    from the split on: a full build's split is the first request, so it sorts
    everything as before; a stream run computes only the requests its batch
    reaches (macros/stream/request_times.sql), the latest ones, and sorts only
    the activity since the earliest of them. The totals join the way each
    path matches keys: null-safe like a window partition for the running
    counts, plain equality for the per-time ones.
    A table of its own so the sorts' memory is released before
    int_point_in_time_features joins the rest. -#}
{#- The counts, by the key they are partitioned by. -#}
{%- set event_count_keys = [
    {'keys': ['tweet_id'], 'counts': {
        'tweet_impressions': 'n_impressions', 'tweet_engagements': 'n_engagements'}},
    {'keys': ['author_id'], 'counts': {
        'author_impressions': 'n_impressions', 'author_engagements': 'n_engagements',
        'author_followers': 'n_follows'}},
    {'keys': ['user_id', 'author_id'], 'counts': {
        'user_author_impressions': 'n_impressions', 'user_author_engagements': 'n_engagements',
        'follow_edges': 'n_follows'}},
    {'keys': ['user_id'], 'counts': {
        'user_engagements': 'n_engagements', 'user_following': 'n_follows'}},
    {'keys': ['user_id', 'topic'], 'counts': {'user_topic_engagements': 'n_engagements'}},
] -%}
{#- What each request carries through unchanged, for int_point_in_time_features'
    consumers: its kind, scope and retrieval columns (NULL but on candidates). -#}
{%- set passed = ['request_kind', 'scope'] -%}
{%- for column in ml_request_retrieval_columns() -%}{%- do passed.append(column['name']) -%}{%- endfor -%}
{%- set event_count_names = [] -%}
{%- for key in event_count_keys -%}
    {%- for name in key['counts'] -%}{%- do event_count_names.append(name) -%}{%- endfor -%}
{%- endfor %}

with

requests as (
    select
        feature_requests.request_id,
        feature_requests.user_id,
        feature_requests.tweet_id,
        feature_requests.author_id,
        {%- for column in passed %}
            feature_requests.{{ column }},
        {%- endfor %}
        feature_requests.request_at,
        feature_requests.position
    from {{ ref('int_feature_requests') }} as feature_requests
    where {{ stream_keep_missing('feature_requests.request_id', 'feature_requests.request_at') }}
),

split_time as (
    select min(request_at) as split_at from requests
),

tweets as (
    select
        tweet_id,
        topic
    from {{ ref('dim_tweets') }}
),

-- Bot traffic is excluded from every feature, as from training.
events as (
    select
        event_id,
        user_id,
        tweet_id,
        author_id,
        event_type,
        is_engagement,
        event_at
    from {{ ref('fct_engagements') }}
    where not is_bot_user
),

follows as (
    select
        follower_id,
        followee_id,
        followed_at
    from {{ ref('stg_social__follows') }}
),

-- Read by a dozen CTEs below, each for a few columns: inlined, not held.
request_tweets as {{ ml_cte_not_materialized() }} (
    select
        requests.request_id,
        requests.user_id,
        requests.tweet_id,
        requests.author_id,
        {%- for column in passed %}
            requests.{{ column }},
        {%- endfor %}
        requests.request_at,
        requests.position,
        tweets.topic
    from requests
    left join tweets
        on requests.tweet_id = tweets.tweet_id
),

event_topics as (
    select
        events.event_id,
        events.user_id,
        events.tweet_id,
        events.author_id,
        tweets.topic,
        events.event_type,
        events.is_engagement,
        events.event_at
    from events
    left join tweets
        on events.tweet_id = tweets.tweet_id
),

-- All activity: events (impressions, engagements) and follow edges (the
-- follower as user_id, the followee as author_id).
activity_flags as (
    select
        event_id,
        user_id,
        tweet_id,
        author_id,
        topic,
        event_at,
        case when event_type = 'impression' then 1 else 0 end as n_impressions,
        case when is_engagement then 1 else 0 end as n_engagements,
        0 as n_follows
    from event_topics
    union all
    select
        cast(null as string) as event_id,
        follower_id as user_id,
        cast(null as bigint) as tweet_id,
        followee_id as author_id,
        cast(null as string) as topic,
        followed_at as event_at,
        0 as n_impressions,
        0 as n_engagements,
        1 as n_follows
    from follows
),

-- Before the split: totals per key (only keys a request here has, and the
-- NULL key follow rows sit in).
history_flags as (
    select activity_flags.*
    from activity_flags
    cross join split_time
    where activity_flags.event_at < split_time.split_at
),

-- From the split on: one time line of activity, where the running counts
-- and the per-time counts sum.
event_flags as (
    select activity_flags.*
    from activity_flags
    cross join split_time
    where activity_flags.event_at >= split_time.split_at
    union all
    -- Sampled negatives: on the time line, counting nothing themselves.
    select
        request_id as event_id,
        user_id,
        tweet_id,
        author_id,
        topic,
        request_at as event_at,
        0 as n_impressions,
        0 as n_engagements,
        0 as n_follows
    from request_tweets
    where request_kind = 'sampled_negative'
),

-- From here on the CTEs and column lists are generated per key by jinja
-- loops, whose indentation the linter's layout rule cannot follow.
-- noqa: disable=LT02
{% for key in event_count_keys %}
    {%- set cte = 'before_split_by_' ~ key['keys'] | join('_') %}
-- Totals per {{ key['keys'] | join(' x ') }} of the activity before the split.
{{ cte }} as (
    select
        {%- for column in key['keys'] %}
            history_flags.{{ column }},
        {%- endfor %}
        {%- for name, flag in key['counts'].items() %}
            sum(history_flags.{{ flag }}) as {{ name }}{{ "," if not loop.last }}
        {%- endfor %}
    from history_flags
    where
        history_flags.{{ key['keys'][0] }} in (select request_tweets.{{ key['keys'][0] }} from request_tweets)
        or history_flags.{{ key['keys'][0] }} is null
    group by
        {%- for column in key['keys'] %}
            history_flags.{{ column }}{{ "," if not loop.last }}
        {%- endfor %}
),

{% endfor -%}
-- Each event's counts of the activity strictly before its instant, one key
-- per step (one sort each; follow rows sit in the NULL tweet and topic
-- partitions). Each step casts its sums to integer and carries only what
-- later steps read, so the rows the sorts hold stay narrow.
{%- set carried = ['event_id', 'user_id', 'tweet_id', 'author_id', 'topic', 'event_at',
    'n_impressions', 'n_engagements', 'n_follows'] %}
{%- set done = [] %}
{%- for key in event_count_keys %}
{{ "running_" ~ loop.index }} as (
    select
        {%- for column in carried + done %}
            {{ column }},
        {%- endfor %}
        {%- for name, flag in key['counts'].items() %}
            cast(
                {{ ml_sum_before_instant(flag, key['keys'] | join(', '), 'event_at') }} as integer
            ) as {{ name }}{{ "," if not loop.last }}
            {%- do done.append(name) %}
        {%- endfor %}
    from {{ "event_flags" if loop.first else "running_" ~ (loop.index - 1) }}
),
{% endfor %}
event_running as (
    select
        event_id,
        user_id,
        tweet_id,
        {%- for name in event_count_names %}
            {{ name }},
        {%- endfor %}
        event_at
    from running_{{ event_count_keys | length }}
    where event_id is not null
),

event_request_counts as (
    select
        request_tweets.request_id,
        request_tweets.user_id,
        request_tweets.tweet_id,
        request_tweets.author_id,
        request_tweets.position,
        {%- for column in passed %}
            request_tweets.{{ column }},
        {%- endfor %}
        {%- for key in event_count_keys %}
            {%- set before = 'before_split_by_' ~ key['keys'] | join('_') %}
            {%- for name in key['counts'] %}
                event_running.{{ name }} + coalesce({{ before }}.{{ name }}, 0) as {{ name }},
            {%- endfor %}
        {%- endfor %}
        request_tweets.request_at
    from request_tweets
    inner join event_running
        on
            request_tweets.request_id = event_running.event_id
            and request_tweets.user_id = event_running.user_id
            and request_tweets.tweet_id = event_running.tweet_id
            and request_tweets.request_at = event_running.event_at
    {%- for key in event_count_keys %}
        {%- set before = 'before_split_by_' ~ key['keys'] | join('_') %}
        left join {{ before }}
            on
                {%- for column in key['keys'] %}
                    {{ "and " if not loop.first }}request_tweets.{{ column }}
                    is not distinct from {{ before }}.{{ column }}
                {%- endfor %}
    {%- endfor %}
),

-- The requests that are events: event_request_counts reads their running
-- counts. Keyed on event_flags (one row per running-count row) rather than on
-- event_request_counts itself, so the requests of the per-time path do not
-- depend on the running counts: Spark inlines every reference to a CTE, and
-- time_requests is referenced a dozen times.
event_keys as (
    select
        event_id,
        user_id,
        tweet_id,
        event_at
    from event_flags
    where event_id is not null
),

time_requests as (
    select
        request_tweets.request_id,
        request_tweets.user_id,
        request_tweets.tweet_id,
        request_tweets.author_id,
        request_tweets.topic,
        request_tweets.request_at,
        {%- for column in passed %}
            request_tweets.{{ column }},
        {%- endfor %}
        request_tweets.position
    from request_tweets
    left join event_keys
        on
            request_tweets.request_id = event_keys.event_id
            and request_tweets.user_id = event_keys.user_id
            and request_tweets.tweet_id = event_keys.tweet_id
            and request_tweets.request_at = event_keys.event_at
    where event_keys.event_id is null
),

request_times as (
    select distinct request_at from time_requests
),

{% for key in event_count_keys %}
    {%- set cte = 'counts_by_' ~ key['keys'] | join('_') %}
-- Counts per {{ key['keys'] | join(' x ') }} of the events before each request time.
{{ cte }} as (
    select
        request_times.request_at,
        {%- for column in key['keys'] %}
            event_flags.{{ column }},
        {%- endfor %}
        {%- for name, flag in key['counts'].items() %}
            sum(event_flags.{{ flag }}) as {{ name }}{{ "," if not loop.last }}
        {%- endfor %}
    from event_flags
    inner join request_times
        on event_flags.event_at < request_times.request_at
    where event_flags.{{ key['keys'][0] }} in (select time_requests.{{ key['keys'][0] }} from time_requests)
    group by
        request_times.request_at,
        {%- for column in key['keys'] %}
            event_flags.{{ column }}{{ "," if not loop.last }}
        {%- endfor %}
),

{% endfor -%}
time_request_counts as (
    select
        time_requests.request_id,
        time_requests.user_id,
        time_requests.tweet_id,
        time_requests.author_id,
        time_requests.position,
        {%- for column in passed %}
            time_requests.{{ column }},
        {%- endfor %}
        {%- for key in event_count_keys %}
            {%- set cte = 'counts_by_' ~ key['keys'] | join('_') %}
            {%- for name in key['counts'] %}
                coalesce({{ cte }}.{{ name }}, 0)
                + coalesce({{ 'before_split_by_' ~ key['keys'] | join('_') }}.{{ name }}, 0) as {{ name }},
            {%- endfor %}
        {%- endfor %}
        time_requests.request_at
    from time_requests
    {%- for key in event_count_keys %}
        {%- set cte = 'counts_by_' ~ key['keys'] | join('_') %}
        left join {{ cte }}
            on
                time_requests.request_at = {{ cte }}.request_at
                {%- for column in key['keys'] %}
                    and time_requests.{{ column }} = {{ cte }}.{{ column }}
                {%- endfor %}
    {%- endfor %}
    {%- for key in event_count_keys %}
        {%- set before = 'before_split_by_' ~ key['keys'] | join('_') %}
        left join {{ before }}
            on
                {%- for column in key['keys'] %}
                    {{ "and " if not loop.first }}time_requests.{{ column }} = {{ before }}.{{ column }}
                {%- endfor %}
    {%- endfor %}
),

event_counts as (
    select
        request_id,
        user_id,
        tweet_id,
        author_id,
        position,
        {%- for column in passed %}
            {{ column }},
        {%- endfor %}
        {%- for name in event_count_names %}
            {{ name }},
        {%- endfor %}
        request_at
    from event_request_counts
    union all
    select
        request_id,
        user_id,
        tweet_id,
        author_id,
        position,
        {%- for column in passed %}
            {{ column }},
        {%- endfor %}
        {%- for name in event_count_names %}
            {{ name }},
        {%- endfor %}
        request_at
    from time_request_counts
),

final as (
    select
        cast(request_id as string) as request_id,
        cast(request_at as timestamp) as request_at,
        cast(user_id as bigint) as user_id,
        cast(tweet_id as bigint) as tweet_id,
        cast(author_id as bigint) as author_id,
        cast(position as integer) as position,
        cast(request_kind as string) as request_kind,
        cast(scope as string) as scope,
        {{ ml_request_retrieval_select_list('event_counts') }},
        {%- for name in event_count_names %}
            cast({{ name }} as integer) as {{ name }}{{ "," if not loop.last }}
        {%- endfor %}
    from event_counts
)

-- noqa: enable=LT02
select * from final
