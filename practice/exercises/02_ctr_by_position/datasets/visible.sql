-- Three positions; position 2 has no clicks; one event type is upper case.
create table events (
    event_id bigint, user_id bigint, tweet_id bigint, event_type varchar, position integer
);
insert into events values
    (1, 10, 100, 'impression', 0), (2, 10, 100, 'click', 0),
    (3, 11, 100, 'impression', 0), (4, 11, 100, 'like', 0),
    (5, 12, 101, 'impression', 0), (6, 12, 101, 'Click', 0),
    (7, 10, 102, 'impression', 1), (8, 11, 103, 'impression', 1),
    (9, 11, 103, 'click', 1),
    (10, 12, 104, 'impression', 2), (11, 13, 104, 'impression', 2);
