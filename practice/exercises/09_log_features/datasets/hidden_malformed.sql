-- Malformed lines: unknown level, missing Z, invalid date, truncated line; no user key.
create table app_logs (log_id bigint, line varchar);
insert into app_logs values
    (1, '2026-11-02T08:00:00.000Z TRACE timeline.fetch user=5 status=500'),
    (2, '2026-11-02T08:00:01.000 INFO timeline.fetch user=5 status=500'),
    (3, '2026-13-45T08:00:02.000Z INFO timeline.fetch user=5 status=500'),
    (4, '2026-11-02T08:00:03.000Z INFO'),
    (5, '2026-11-02T08:00:04.000Z INFO timeline.fetch user=5 latency_ms=10 status=200'),
    (6, '2026-11-02T08:00:05.000Z INFO health.check status=200 latency_ms=1'),
    (7, '2026-11-02T08:00:06.000Z DEBUG timeline.fetch user=6 status=404');
