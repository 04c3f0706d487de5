-- Status 499 vs 500, lines without latency, and two users whose ids share a prefix.
create table app_logs (log_id bigint, line varchar);
insert into app_logs values
    (1, '2026-11-03T23:59:59.999Z ERROR timeline.fetch user=12 status=500'),
    (2, '2026-11-03T23:59:58.000Z WARN timeline.fetch user=12 status=499'),
    (3, '2026-11-03T22:00:00.000Z INFO timeline.fetch user=123 status=200 latency_ms=30'),
    (4, '2026-11-03T22:00:01.000Z INFO timeline.fetch user=123 status=200 latency_ms=31'),
    (5, '2026-11-03T22:00:02.000Z INFO timeline.fetch user=123 status=200 latency_ms=31');
