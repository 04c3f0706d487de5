-- Four events over a quarter of an hour.
create table events (event_id bigint, user_id bigint, event_ts timestamp);
insert into events values
    (1, 10, '2026-11-01 12:01:00'),
    (2, 11, '2026-11-01 12:06:00'),
    (3, 10, '2026-11-01 12:07:00'),
    (4, 12, '2026-11-01 12:13:00');
