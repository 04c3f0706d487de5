-- An empty table: the answer is an empty result with the right columns.
create table raw_events (
    event_id varchar, user_id bigint, tweet_id bigint, event_type varchar,
    event_ts timestamp, ingested_at timestamp
);
