-- An empty table.
create table requests (request_id bigint, endpoint varchar, latency_ms integer);
