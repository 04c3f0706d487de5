-- Two endpoints: ten requests on one (one timed out), four on the other.
create table requests (request_id bigint, endpoint varchar, latency_ms integer);
insert into requests values
    (1, 'timeline', 20), (2, 'timeline', 35), (3, 'timeline', 12), (4, 'timeline', 80),
    (5, 'timeline', 41), (6, 'timeline', 22), (7, 'timeline', null), (8, 'timeline', 300),
    (9, 'timeline', 25), (10, 'timeline', 18),
    (11, 'post', 100), (12, 'post', 120), (13, 'post', 90), (14, 'post', 400);
