-- An empty log.
create table app_logs (log_id bigint, line varchar);
