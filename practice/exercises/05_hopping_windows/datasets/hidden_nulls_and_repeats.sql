-- Logged-out events (NULL user_id) and one user active many times.
create table events (event_id bigint, user_id bigint, event_ts timestamp);
insert into events values
    (1, null, '2026-11-03 09:31:00'),
    (2, null, '2026-11-03 09:32:00'),
    (3, 30, '2026-11-03 09:33:00'),
    (4, 30, '2026-11-03 09:36:00'),
    (5, 30, '2026-11-03 09:37:00'),
    (6, 31, '2026-11-03 09:52:00');
