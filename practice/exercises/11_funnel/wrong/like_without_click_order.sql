-- why: checks each step against the impression only, so a like before the click counts
-- expect: 1 missing, 1 extra
-- fails-on: hidden_out_of_order
with impressions as (
    select user_id, tweet_id, min(event_ts) as first_impression_ts
    from events
    where event_type = 'impression'
    group by all
),

reached as (
    select
        impressions.user_id,
        impressions.tweet_id,
        bool_or(events.event_type = 'click') as clicked,
        bool_or(events.event_type = 'like') as liked
    from impressions
    inner join events
        on
            impressions.user_id = events.user_id
            and impressions.tweet_id = events.tweet_id
            and events.event_ts >= impressions.first_impression_ts
    group by all
),

steps as (
    select 1 as step_number, 'impression' as step_name, count(*) as n_pairs from impressions
    union all
    select 2, 'click', count(*) filter (where clicked) from reached
    union all
    select 3, 'like', count(*) filter (where clicked and liked) from reached
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
