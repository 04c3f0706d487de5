-- Two cohorts (weeks of Nov 2 and Nov 9, 2026); some weeks have no activity at all.
create table users (user_id bigint, signup_at timestamp);
insert into users values
    (1, '2026-11-02 09:00:00'), (2, '2026-11-04 18:00:00'), (3, '2026-11-08 23:00:00'),
    (4, '2026-11-10 10:00:00');
create table activity (user_id bigint, event_ts timestamp);
insert into activity values
    (1, '2026-11-02 09:30:00'), (1, '2026-11-03 10:00:00'),
    (2, '2026-11-05 10:00:00'),
    (1, '2026-11-10 08:00:00'), (3, '2026-11-12 08:00:00'),
    (1, '2026-11-25 08:00:00'),
    (4, '2026-11-11 12:00:00'), (4, '2026-11-24 12:00:00');
