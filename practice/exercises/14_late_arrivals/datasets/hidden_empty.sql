-- An empty table.
create table events (event_id bigint, event_ts timestamp, ingested_at timestamp);
