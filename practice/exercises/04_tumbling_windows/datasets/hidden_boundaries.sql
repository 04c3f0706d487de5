-- Events exactly on window boundaries, a millisecond before one, and across midnight.
create table events (
    event_id bigint, tweet_id bigint, event_type varchar, event_ts timestamp
);
insert into events values
    (1, 200, 'like', '2026-11-01 12:15:00'),
    (2, 200, 'like', '2026-11-01 12:14:59.999'),
    (3, 200, 'impression', '2026-11-01 12:30:00'),
    (4, 200, 'impression', '2026-11-01 12:08:00'),
    (5, 201, 'like', '2026-11-01 23:59:59'),
    (6, 201, 'like', '2026-11-02 00:00:00'),
    (7, 201, 'impression', '2026-11-02 00:14:59');
