-- Gaps of exactly 30:00 (same session) and 30:01 (new session); same-instant events.
create table events (event_id bigint, user_id bigint, event_ts timestamp);
insert into events values
    (1, 20, '2026-11-02 12:00:00'),
    (2, 20, '2026-11-02 12:30:00'),
    (3, 20, '2026-11-02 13:00:01'),
    (4, 20, '2026-11-02 13:00:01'),
    (5, 20, '2026-11-02 13:30:01');
