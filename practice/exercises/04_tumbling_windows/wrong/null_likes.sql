-- why: sum(case when like then 1 end) is NULL for a window without likes
-- expect: the values in 'n_likes' are wrong
-- fails-on: visible
select
    tweet_id,
    time_bucket(interval '15 minutes', event_ts) as window_start,
    time_bucket(interval '15 minutes', event_ts) + interval '15 minutes' as window_end,
    count(*) as n_events,
    sum(case when event_type = 'like' then 1 end) as n_likes
from events
group by tweet_id, time_bucket(interval '15 minutes', event_ts)
