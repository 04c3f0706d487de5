-- Two runs of equal length: the earliest one is reported.
create table logins (user_id bigint, login_ts timestamp);
insert into logins values
    (20, '2026-11-10 10:00:00'),
    (20, '2026-11-11 10:00:00'),
    (20, '2026-11-01 10:00:00'),
    (20, '2026-11-02 10:00:00'),
    (20, '2026-11-05 10:00:00');
