-- Event types with surrounding spaces and mixed case; positions out of order.
create table events (
    event_id bigint, user_id bigint, tweet_id bigint, event_type varchar, position integer
);
insert into events values
    (1, 20, 200, ' Impression', 5), (2, 20, 200, 'click ', 5),
    (3, 21, 201, 'IMPRESSION', 5), (4, 21, 201, ' CLICK ', 5),
    (5, 22, 202, 'impression', 3), (6, 23, 202, 'impression ', 3),
    (7, 23, 202, 'Click', 3), (8, 24, 203, 'impression', 4),
    (9, 24, 203, 'unknown_type', 4);
