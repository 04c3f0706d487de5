-- Five lines for two users, one of them malformed, keys in varying order.
create table app_logs (log_id bigint, line varchar);
insert into app_logs values
    (1, '2026-11-01T12:00:03.120Z INFO timeline.fetch user=123 tweets=20 latency_ms=84 status=200 client=ios'),
    (2, '2026-11-01T12:00:09.000Z ERROR timeline.fetch user=123 latency_ms=1500 status=503 client=ios'),
    (3, '2026-11-01T12:01:00Z INFO tweet.post status=201 user=77 latency_ms=40'),
    (4, 'garbage user=77 status=500'),
    (5, '2026-11-01T12:02:00.500Z WARN timeline.fetch client=web user=123 status=200');
