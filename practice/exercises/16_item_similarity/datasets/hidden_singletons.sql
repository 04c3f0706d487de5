-- Tweets with a single engager, a user engaging with one tweet only, a tweet only seen.
create table engagements (user_id bigint, tweet_id bigint, event_type varchar);
insert into engagements values
    (20, 300, 'like'), (20, 301, 'like'), (20, 302, 'like'), (20, 303, 'impression'),
    (21, 302, 'like'),
    (22, 304, 'like');
