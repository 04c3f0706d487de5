-- One user over five days with a one-day gap; another active on a single day.
create table events (user_id bigint, event_ts timestamp);
insert into events values
    (10, '2026-11-01 09:00:00'), (10, '2026-11-01 10:00:00'),
    (10, '2026-11-02 09:00:00'),
    (10, '2026-11-04 09:00:00'), (10, '2026-11-04 18:00:00'), (10, '2026-11-04 23:59:59'),
    (10, '2026-11-05 00:00:00'),
    (11, '2026-11-03 12:00:00');
