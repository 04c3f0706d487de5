-- Two tweets over half an hour.
create table events (
    event_id bigint, tweet_id bigint, event_type varchar, event_ts timestamp
);
insert into events values
    (1, 100, 'impression', '2026-11-01 12:01:00'),
    (2, 100, 'like', '2026-11-01 12:07:30'),
    (3, 100, 'impression', '2026-11-01 12:14:10'),
    (4, 100, 'like', '2026-11-01 12:16:00'),
    (5, 101, 'impression', '2026-11-01 12:20:00'),
    (6, 101, 'click', '2026-11-01 12:29:00');
