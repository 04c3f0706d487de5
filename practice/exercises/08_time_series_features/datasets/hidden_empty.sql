-- An empty table.
create table events (user_id bigint, event_ts timestamp);
