-- An empty table.
create table events (event_id bigint, user_id bigint, event_ts timestamp);
