-- Four pairs: one converts fully, one clicks only, one only sees, one likes without clicking.
create table events (user_id bigint, tweet_id bigint, event_type varchar, event_ts timestamp);
insert into events values
    (10, 100, 'impression', '2026-11-01 12:00:00'),
    (10, 100, 'click', '2026-11-01 12:00:05'),
    (10, 100, 'like', '2026-11-01 12:00:09'),
    (11, 100, 'impression', '2026-11-01 12:01:00'),
    (11, 100, 'click', '2026-11-01 12:01:30'),
    (12, 101, 'impression', '2026-11-01 12:02:00'),
    (13, 101, 'impression', '2026-11-01 12:03:00'),
    (13, 101, 'like', '2026-11-01 12:03:20');
