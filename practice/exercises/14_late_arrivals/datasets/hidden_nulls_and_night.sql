-- A NULL event_ts (dropped), a window crossing midnight, an all-late window.
create table events (event_id bigint, event_ts timestamp, ingested_at timestamp);
insert into events values
    (1, null, '2026-11-03 10:00:00'),
    (2, '2026-11-03 23:40:00', '2026-11-04 00:14:00'),
    (3, '2026-11-03 23:41:00', '2026-11-04 00:16:00'),
    (4, '2026-11-03 22:00:00', '2026-11-04 02:00:00'),
    (5, '2026-11-03 22:30:00', '2026-11-04 02:00:00');
