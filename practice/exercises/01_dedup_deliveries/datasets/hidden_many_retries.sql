-- One event delivered four times (two exact copies), delivered out of order.
create table raw_events (
    event_id varchar, user_id bigint, tweet_id bigint, event_type varchar,
    event_ts timestamp, ingested_at timestamp
);
insert into raw_events values
    ('r1', 30, 300, 'reply', '2026-11-03 23:59:59', '2026-11-04 00:10:00'),
    ('r1', 30, 300, 'reply', '2026-11-03 23:59:59', '2026-11-04 00:00:01'),
    ('r1', 30, 300, 'reply', '2026-11-03 23:59:59', '2026-11-04 00:10:00'),
    ('r1', 30, 300, 'reply', '2026-11-03 23:59:59', '2026-11-04 00:05:00'),
    ('r2', 31, 300, 'like', '2026-11-03 23:00:00', '2026-11-03 23:00:00');
