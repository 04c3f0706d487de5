-- User 10 has runs of 3 and 2 days (with two logins on one day); user 11 logs in once.
create table logins (user_id bigint, login_ts timestamp);
insert into logins values
    (10, '2026-11-01 08:00:00'),
    (10, '2026-11-02 08:00:00'),
    (10, '2026-11-02 21:00:00'),
    (10, '2026-11-03 07:30:00'),
    (10, '2026-11-05 09:00:00'),
    (10, '2026-11-06 09:00:00'),
    (11, '2026-11-04 12:00:00');
