-- Two users whose events interleave in time, a NULL user, and events out of insert order.
create table events (event_id bigint, user_id bigint, event_ts timestamp);
insert into events values
    (1, 30, '2026-11-03 08:00:00'),
    (2, 31, '2026-11-03 08:20:00'),
    (3, 30, '2026-11-03 08:40:00'),
    (4, 31, '2026-11-03 09:00:00'),
    (5, null, '2026-11-03 08:10:00'),
    (6, 30, '2026-11-03 08:05:00'),
    (7, 31, '2026-11-03 23:59:59'),
    (8, 31, '2026-11-04 00:20:00');
