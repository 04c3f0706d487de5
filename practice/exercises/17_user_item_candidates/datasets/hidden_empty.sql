-- No history at all.
create table interactions (user_id bigint, tweet_id bigint);
create table tweet_similarity (tweet_a bigint, tweet_b bigint, similarity double);
insert into tweet_similarity values (1, 2, 0.5), (2, 1, 0.5);
