-- Daily snapshots; one label falls before the user's first snapshot.
create table labels (user_id bigint, label_ts timestamp, label integer);
insert into labels values
    (1, '2026-11-03 12:00:00', 1),
    (1, '2026-11-05 09:00:00', 0),
    (2, '2026-11-04 18:00:00', 1),
    (3, '2026-11-01 08:00:00', 0);
create table feature_snapshots (
    user_id bigint, feature_ts timestamp, n_likes_7d bigint, n_sessions_7d bigint
);
insert into feature_snapshots values
    (1, '2026-11-02 00:00:00', 4, 2),
    (1, '2026-11-03 00:00:00', 6, 3),
    (1, '2026-11-04 00:00:00', 9, 2),
    (1, '2026-11-06 00:00:00', 20, 8),
    (2, '2026-11-04 00:00:00', 1, 1),
    (3, '2026-11-02 00:00:00', 5, 5);
