-- NULL positions (ignored), a NULL event type, a position without clicks.
create table events (
    event_id bigint, user_id bigint, tweet_id bigint, event_type varchar, position integer
);
insert into events values
    (1, 30, 300, 'impression', null), (2, 30, 300, 'click', null),
    (3, 31, 301, 'impression', 0), (4, 31, 301, null, 0),
    (5, 32, 302, 'impression', 1), (6, 32, 302, 'click', 1),
    (7, 33, 303, 'impression', 1), (8, 33, 303, 'click', 1),
    (9, 34, 304, 'impression', 1);
