-- A repeated history pair (count once) and a user whose history has no neighbours.
create table interactions (user_id bigint, tweet_id bigint);
insert into interactions values (20, 300), (20, 300), (20, 300), (20, 301), (21, 399);
create table tweet_similarity (tweet_a bigint, tweet_b bigint, similarity double);
insert into tweet_similarity values
    (300, 302, 0.3), (302, 300, 0.3),
    (301, 303, 0.6), (303, 301, 0.6),
    (301, 302, 0.1), (302, 301, 0.1),
    (300, 301, 0.9), (301, 300, 0.9);
