-- Windows without likes (n_likes must be 0, not NULL) and a NULL event type.
create table events (
    event_id bigint, tweet_id bigint, event_type varchar, event_ts timestamp
);
insert into events values
    (1, 300, 'impression', '2026-11-03 08:46:00'),
    (2, 300, null, '2026-11-03 08:59:00'),
    (3, 301, 'click', '2026-11-03 09:44:00'),
    (4, 301, 'click', '2026-11-03 09:45:00');
