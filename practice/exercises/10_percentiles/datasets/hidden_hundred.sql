-- 101 requests 1..101 ms on one endpoint and 5 on another: checks the ceil() rank.
create table requests (request_id bigint, endpoint varchar, latency_ms integer);
insert into requests
select i, 'bulk', cast(i as integer) from range(1, 102) as r (i);
insert into requests values
    (1001, 'alpha', 10), (1002, 'alpha', 20), (1003, 'alpha', 30), (1004, 'alpha', 40),
    (1005, 'alpha', 50);
