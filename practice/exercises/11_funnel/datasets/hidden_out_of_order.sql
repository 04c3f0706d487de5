-- Clicks before the impression, a like before the click, same-instant steps, repeats.
create table events (user_id bigint, tweet_id bigint, event_type varchar, event_ts timestamp);
insert into events values
    (20, 200, 'click', '2026-11-02 09:00:00'),
    (20, 200, 'impression', '2026-11-02 09:00:10'),
    (21, 200, 'impression', '2026-11-02 09:00:00'),
    (21, 200, 'like', '2026-11-02 09:00:01'),
    (21, 200, 'click', '2026-11-02 09:00:02'),
    (22, 201, 'impression', '2026-11-02 09:00:00'),
    (22, 201, 'click', '2026-11-02 09:00:00'),
    (22, 201, 'like', '2026-11-02 09:00:00'),
    (23, 201, 'impression', '2026-11-02 09:00:00'),
    (23, 201, 'impression', '2026-11-02 09:05:00'),
    (23, 201, 'click', '2026-11-02 09:06:00'),
    (23, 201, 'click', '2026-11-02 09:07:00'),
    (23, 201, 'like', '2026-11-02 09:08:00'),
    (23, 201, 'like', '2026-11-02 09:09:00');
