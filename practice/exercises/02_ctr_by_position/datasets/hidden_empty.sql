-- An empty table.
create table events (
    event_id bigint, user_id bigint, tweet_id bigint, event_type varchar, position integer
);
