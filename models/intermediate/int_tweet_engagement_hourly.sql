{#- Bots' events (from their bot_since_at on) are left out: these windows feed
    human engagement signals.

    Incremental, append after a pre-hook delete, keyed by tweet
    (macros/stream/changed_keys.sql): a run recomputes every hour of each
    tweet a changed staged event names, or a user whose bot flag moved acted
    on. Not microbatch: a moved flag re-marks hours of any date. -#}
{{ config(**stream_keyed_incremental(
    'tweet', 'tweet_id', ['stg_social__events_validated', 'int_users_bot_flagged'],
    extra_changes='bot_flag_tweets',
)) }}

with

events as (
    select * from {{ ref('stg_social__events') }}
    where {{ stream_keep_claimed('tweet', 'tweet_id') }}
),

bot_flags as (
    select * from {{ ref('int_users_bot_flagged') }}
),

human_events as (
    select events.*
    from events
    inner join bot_flags
        on events.user_id = bot_flags.user_id
    where not {{ ml_bot_at('events.event_at', 'bot_flags.bot_since_at') }}
),

final as (
    select
        tweet_id,
        date_trunc('hour', event_at) as hour_start,
        {{ event_type_counts('event_type') }}
    from human_events
    group by tweet_id, date_trunc('hour', event_at)
)

select * from final
