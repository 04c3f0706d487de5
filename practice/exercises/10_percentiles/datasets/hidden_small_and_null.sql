-- An endpoint with only timeouts, one with a single request, one with ties.
create table requests (request_id bigint, endpoint varchar, latency_ms integer);
insert into requests values
    (1, 'search', null), (2, 'search', null),
    (3, 'login', 7),
    (4, 'feed', 5), (5, 'feed', 5), (6, 'feed', 5), (7, 'feed', 9), (8, 'feed', 9);
