-- Three candidates with equal scores: keep the two smallest tweet ids.
create table interactions (user_id bigint, tweet_id bigint);
insert into interactions values (10, 200);
create table tweet_similarity (tweet_a bigint, tweet_b bigint, similarity double);
insert into tweet_similarity values
    (200, 203, 0.25), (203, 200, 0.25),
    (200, 201, 0.25), (201, 200, 0.25),
    (200, 202, 0.25), (202, 200, 0.25);
