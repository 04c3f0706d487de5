-- Events exactly on window starts and a millisecond before them.
create table events (event_id bigint, user_id bigint, event_ts timestamp);
insert into events values
    (1, 20, '2026-11-02 00:00:00'),
    (2, 21, '2026-11-02 00:05:00'),
    (3, 22, '2026-11-02 00:09:59.999'),
    (4, 23, '2026-11-02 00:10:00'),
    (5, 20, '2026-11-01 23:59:59.999');
