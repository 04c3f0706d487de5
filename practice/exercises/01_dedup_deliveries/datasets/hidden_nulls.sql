-- NULL event_ids (must be dropped) next to normal retries.
create table raw_events (
    event_id varchar, user_id bigint, tweet_id bigint, event_type varchar,
    event_ts timestamp, ingested_at timestamp
);
insert into raw_events values
    (null, 20, 200, 'impression', '2026-11-02 08:00:00', '2026-11-02 08:00:01'),
    (null, 21, 200, 'impression', '2026-11-02 08:00:02', '2026-11-02 08:00:03'),
    ('n1', 20, 200, 'click', '2026-11-02 08:00:04', '2026-11-02 08:00:09'),
    ('n1', 20, 200, 'click', '2026-11-02 08:00:04', '2026-11-02 08:00:05'),
    ('n2', null, 201, 'impression', '2026-11-02 08:01:00', '2026-11-02 08:01:00');
