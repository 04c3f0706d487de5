-- A retry of one event and one replayed batch.
create table raw_events (
    event_id varchar, user_id bigint, tweet_id bigint, event_type varchar,
    event_ts timestamp, ingested_at timestamp
);
insert into raw_events values
    ('e1', 10, 100, 'impression', '2026-11-01 12:00:00', '2026-11-01 12:00:01'),
    ('e2', 10, 100, 'like', '2026-11-01 12:00:05', '2026-11-01 12:00:06'),
    ('e2', 10, 100, 'like', '2026-11-01 12:00:05', '2026-11-01 12:00:36'),
    ('e3', 11, 101, 'impression', '2026-11-01 12:01:00', '2026-11-01 12:01:02'),
    ('e4', 11, 101, 'click', '2026-11-01 12:01:10', '2026-11-01 12:01:11'),
    ('e4', 11, 101, 'click', '2026-11-01 12:01:10', '2026-11-01 12:01:11');
