-- why: coalesce(user_id, -1) counts logged-out traffic as one more user
-- expect: the values in 'n_users' are wrong
-- fails-on: hidden_nulls_and_repeats
with assigned as (
    select
        coalesce(user_id, -1) as user_id,
        time_bucket(interval '5 minutes', event_ts) as window_start
    from events
    union all
    select
        coalesce(user_id, -1) as user_id,
        time_bucket(interval '5 minutes', event_ts) - interval '5 minutes' as window_start
    from events
)

select
    window_start,
    window_start + interval '10 minutes' as window_end,
    count(*) as n_events,
    count(distinct user_id) as n_users
from assigned
group by window_start
