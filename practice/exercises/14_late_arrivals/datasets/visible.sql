-- Two hours: a prompt event, one 20 minutes late but inside the lateness, one hours late.
create table events (event_id bigint, event_ts timestamp, ingested_at timestamp);
insert into events values
    (1, '2026-11-01 12:10:00', '2026-11-01 12:10:02'),
    (2, '2026-11-01 12:50:00', '2026-11-01 13:10:00'),
    (3, '2026-11-01 12:20:00', '2026-11-01 16:00:00'),
    (4, '2026-11-01 13:05:00', '2026-11-01 13:05:01'),
    (5, '2026-11-01 13:59:00', '2026-11-01 14:14:00');
