with events as (
    select * from events
),

impressions as (
    select
        user_id,
        tweet_id,
        min(event_ts) as first_impression_ts
    from events
    where event_type = 'impression'
    group by user_id, tweet_id
),

clicks as (
    select
        impressions.user_id,
        impressions.tweet_id,
        min(events.event_ts) as first_click_ts
    from impressions
    inner join events
        on
            impressions.user_id = events.user_id
            and impressions.tweet_id = events.tweet_id
            and events.event_type = 'click'
            and impressions.first_impression_ts <= events.event_ts
    group by impressions.user_id, impressions.tweet_id
),

likes as (
    select distinct
        clicks.user_id,
        clicks.tweet_id
    from clicks
    inner join events
        on
            clicks.user_id = events.user_id
            and clicks.tweet_id = events.tweet_id
            and events.event_type = 'like'
            and clicks.first_click_ts <= events.event_ts
),

steps as (
    select
        1 as step_number,
        'impression' as step_name,
        count(*) as n_pairs
    from impressions
    union all
    select
        2 as step_number,
        'click' as step_name,
        count(*) as n_pairs
    from clicks
    union all
    select
        3 as step_number,
        'like' as step_name,
        count(*) as n_pairs
    from likes
),

final as (
    select
        step_number,
        step_name,
        n_pairs,
        round(
            n_pairs / nullif(lag(n_pairs) over (order by step_number), 0), 4
        ) as conversion_from_previous,
        round(
            n_pairs / nullif(first_value(n_pairs) over (order by step_number), 0), 4
        ) as conversion_from_start
    from steps
)

select * from final
order by step_number
