-- No users, no activity.
create table users (user_id bigint, signup_at timestamp);
create table activity (user_id bigint, event_ts timestamp);
