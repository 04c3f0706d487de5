-- why: derives the step rows from the events themselves, so no events means no rows
-- expect: 3 missing
-- fails-on: hidden_empty
with firsts as (
    select
        user_id,
        tweet_id,
        min(event_ts) filter (where event_type = 'impression') as imp_ts
    from events
    group by all
),

clicks as (
    select firsts.user_id, firsts.tweet_id, min(events.event_ts) as click_ts
    from firsts
    inner join events
        on
            firsts.user_id = events.user_id and firsts.tweet_id = events.tweet_id
            and events.event_type = 'click' and events.event_ts >= firsts.imp_ts
    group by all
),

likes as (
    select distinct clicks.user_id, clicks.tweet_id
    from clicks
    inner join events
        on
            clicks.user_id = events.user_id and clicks.tweet_id = events.tweet_id
            and events.event_type = 'like' and events.event_ts >= clicks.click_ts
),

tagged as (
    select 1 as step_number, 'impression' as step_name, user_id from firsts
    where imp_ts is not null
    union all
    select 2, 'click', user_id from clicks
    union all
    select 3, 'like', user_id from likes
),

steps as (
    select step_number, step_name, count(*) as n_pairs from tagged group by all
)

select
    step_number,
    step_name,
    n_pairs,
    round(n_pairs / nullif(lag(n_pairs) over (order by step_number), 0), 4)
        as conversion_from_previous,
    round(n_pairs / nullif(first_value(n_pairs) over (order by step_number), 0), 4)
        as conversion_from_start
from steps
order by step_number
