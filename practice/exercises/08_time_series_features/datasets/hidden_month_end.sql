-- A series across a month end, with midnight-boundary events.
create table events (user_id bigint, event_ts timestamp);
insert into events values
    (30, '2026-10-29 23:59:59'),
    (30, '2026-10-30 00:00:00'),
    (30, '2026-11-02 00:00:00'),
    (31, '2026-10-31 12:00:00'), (31, '2026-11-01 12:00:00');
