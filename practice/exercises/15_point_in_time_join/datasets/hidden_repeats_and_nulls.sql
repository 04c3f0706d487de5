-- Repeated label rows, a latest snapshot with NULL values, a user without snapshots.
create table labels (user_id bigint, label_ts timestamp, label integer);
insert into labels values
    (20, '2026-11-12 10:00:00', 1),
    (20, '2026-11-12 10:00:00', 1),
    (20, '2026-11-12 10:00:00', 0),
    (21, '2026-11-12 10:00:00', 0),
    (22, '2026-11-12 10:00:00', 1);
create table feature_snapshots (
    user_id bigint, feature_ts timestamp, n_likes_7d bigint, n_sessions_7d bigint
);
insert into feature_snapshots values
    (20, '2026-11-10 00:00:00', 12, 4),
    (20, '2026-11-11 00:00:00', 8, 6),
    (21, '2026-11-10 00:00:00', 5, 2),
    (21, '2026-11-11 00:00:00', null, null),
    (21, '2026-11-13 00:00:00', 99, 99);
