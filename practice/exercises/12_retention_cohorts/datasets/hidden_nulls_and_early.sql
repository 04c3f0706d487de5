-- A NULL signup, activity before signup (ignored), repeated events, a silent cohort.
create table users (user_id bigint, signup_at timestamp);
insert into users values
    (20, '2026-11-18 12:00:00'), (21, null), (22, '2026-11-19 12:00:00'),
    (23, '2026-12-01 12:00:00');
create table activity (user_id bigint, event_ts timestamp);
insert into activity values
    (20, '2026-11-17 12:00:00'),
    (20, '2026-11-18 11:59:59'),
    (21, '2026-11-18 12:00:00'),
    (22, '2026-11-19 12:00:01'), (22, '2026-11-19 13:00:00'), (22, '2026-11-20 13:00:00'),
    (22, '2026-11-26 13:00:00');
