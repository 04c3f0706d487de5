-- A snapshot computed at exactly the label time (must not be used) and one a ms earlier.
create table labels (user_id bigint, label_ts timestamp, label integer);
insert into labels values
    (10, '2026-11-10 00:00:00', 1),
    (11, '2026-11-10 00:00:00', 0);
create table feature_snapshots (
    user_id bigint, feature_ts timestamp, n_likes_7d bigint, n_sessions_7d bigint
);
insert into feature_snapshots values
    (10, '2026-11-09 00:00:00', 3, 1),
    (10, '2026-11-10 00:00:00', 30, 10),
    (11, '2026-11-09 23:59:59.999', 7, 2),
    (11, '2026-11-10 00:00:00', 70, 20);
