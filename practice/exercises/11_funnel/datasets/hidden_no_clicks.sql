-- Impressions but no clicks: the like step divides by zero and must be NULL.
create table events (user_id bigint, tweet_id bigint, event_type varchar, event_ts timestamp);
insert into events values
    (30, 300, 'impression', '2026-11-03 10:00:00'),
    (31, 300, 'impression', '2026-11-03 10:00:00'),
    (31, 300, 'like', '2026-11-03 10:00:30'),
    (31, 301, 'retweet', '2026-11-03 10:01:00');
