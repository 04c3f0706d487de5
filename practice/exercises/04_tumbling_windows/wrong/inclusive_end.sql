-- why: joins events to windows with BETWEEN, so a boundary event lands in two windows
-- expect: extra
-- fails-on: hidden_boundaries
with windows as (
    select distinct
        tweet_id,
        time_bucket(interval '15 minutes', event_ts) as window_start
    from events
)

select
    windows.tweet_id,
    windows.window_start,
    windows.window_start + interval '15 minutes' as window_end,
    count(*) as n_events,
    count(*) filter (where events.event_type = 'like') as n_likes
from windows
inner join events
    on
        windows.tweet_id = events.tweet_id
        and events.event_ts between windows.window_start
        and windows.window_start + interval '15 minutes'
group by windows.tweet_id, windows.window_start
