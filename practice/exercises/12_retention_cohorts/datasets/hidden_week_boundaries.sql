-- Activity at Sunday 23:59:59 and Monday 00:00:00; a signup late on a Sunday.
create table users (user_id bigint, signup_at timestamp);
insert into users values (10, '2026-11-15 23:59:00'), (11, '2026-11-09 00:00:00');
create table activity (user_id bigint, event_ts timestamp);
insert into activity values
    (10, '2026-11-15 23:59:59'),
    (10, '2026-11-16 00:00:00'),
    (11, '2026-11-15 23:59:59'),
    (11, '2026-11-16 00:00:00'),
    (11, '2026-12-07 00:00:00');
