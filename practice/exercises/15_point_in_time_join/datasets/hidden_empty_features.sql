-- Labels but no snapshots at all: every feature is NULL.
create table labels (user_id bigint, label_ts timestamp, label integer);
insert into labels values (30, '2026-11-15 00:00:00', 1), (31, '2026-11-15 00:00:00', 0);
create table feature_snapshots (
    user_id bigint, feature_ts timestamp, n_likes_7d bigint, n_sessions_7d bigint
);
