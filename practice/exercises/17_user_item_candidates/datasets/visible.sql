-- Two users; user 1 already saw tweet 102, which is similar to their other tweet.
create table interactions (user_id bigint, tweet_id bigint);
insert into interactions values (1, 100), (1, 102), (2, 101);
create table tweet_similarity (tweet_a bigint, tweet_b bigint, similarity double);
insert into tweet_similarity values
    (100, 101, 0.5), (101, 100, 0.5),
    (100, 102, 0.8), (102, 100, 0.8),
    (100, 103, 0.2), (103, 100, 0.2),
    (102, 103, 0.3), (103, 102, 0.3),
    (101, 104, 0.9), (104, 101, 0.9),
    (102, 104, 0.1), (104, 102, 0.1);
