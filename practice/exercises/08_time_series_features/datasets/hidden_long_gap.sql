-- Activity on days 1-2 and 8-10: by day 9 the 7-day window must have forgotten days 1-2.
create table events (user_id bigint, event_ts timestamp);
insert into events values
    (20, '2026-11-01 08:00:00'), (20, '2026-11-01 08:05:00'),
    (20, '2026-11-02 08:00:00'),
    (20, '2026-11-08 08:00:00'),
    (20, '2026-11-09 08:00:00'), (20, '2026-11-09 09:00:00'),
    (20, '2026-11-10 08:00:00');
