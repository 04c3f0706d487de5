-- Two users; user 10 has two sessions separated by a 45-minute gap.
create table events (event_id bigint, user_id bigint, event_ts timestamp);
insert into events values
    (1, 10, '2026-11-01 09:00:00'),
    (2, 10, '2026-11-01 09:10:00'),
    (3, 10, '2026-11-01 09:25:00'),
    (4, 10, '2026-11-01 10:10:00'),
    (5, 11, '2026-11-01 09:05:00'),
    (6, 11, '2026-11-01 09:06:40');
