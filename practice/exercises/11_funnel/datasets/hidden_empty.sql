-- No events at all: still three rows.
create table events (user_id bigint, tweet_id bigint, event_type varchar, event_ts timestamp);
