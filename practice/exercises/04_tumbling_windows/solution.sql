with events as (
    select * from events
),

bucketed as (
    select
        tweet_id,
        event_type,
        time_bucket(interval '15 minutes', event_ts) as window_start
    from events
),

final as (
    select
        tweet_id,
        window_start,
        window_start + interval '15 minutes' as window_end,
        count(*) as n_events,
        count(*) filter (where event_type = 'like') as n_likes
    from bucketed
    group by tweet_id, window_start
)

select * from final
