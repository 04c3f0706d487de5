{#-
    Incremental, append after a pre-hook delete, keyed by user
    (macros/stream/changed_keys.sql): a run recomputes every event of each
    user whose staged events or bot flag changed. Not microbatch: a flag that
    moves (a batch shifts the population a rate is judged against) re-marks
    the user's events of any day, and a late event renumbers sessions that
    began in earlier hours.
-#}
{{ config(**stream_keyed_incremental(
    'user', 'user_id', ['stg_social__events_validated', 'int_users_bot_flagged'],
)) }}

with

events as (
    select * from {{ ref('stg_social__events') }}
    where {{ stream_keep_claimed('user', 'user_id') }}
),

tweets as (
    select * from {{ ref('stg_social__tweets') }}
),

sessionized as (
    select * from {{ ref('int_events_sessionized') }}
    where {{ stream_keep_claimed('user', 'user_id') }}
),

bot_flags as (
    select * from {{ ref('int_users_bot_flagged') }}
),

final as (
    select
        events.event_id,
        events.user_id,
        events.tweet_id,
        tweets.author_id,
        events.event_type,
        events.event_at,
        events.ingested_at,
        events.position,
        events.client,
        sessionized.session_id,
        {{ ml_bot_at('events.event_at', 'bot_flags.bot_since_at') }} as is_bot_user,
        {{ is_engagement('events.event_type') }} as is_engagement,
        events.is_late_arrival
    from events
    inner join tweets
        on events.tweet_id = tweets.tweet_id
    inner join sessionized
        on events.event_id = sessionized.event_id
    inner join bot_flags
        on events.user_id = bot_flags.user_id
)

select * from final
