-- An empty table.
create table logins (user_id bigint, login_ts timestamp);
