-- Three users, three tweets; impressions do not count.
create table engagements (user_id bigint, tweet_id bigint, event_type varchar);
insert into engagements values
    (1, 100, 'like'), (1, 101, 'like'), (1, 102, 'impression'),
    (2, 100, 'reply'), (2, 101, 'click'), (2, 102, 'like'),
    (3, 100, 'like'), (3, 102, 'retweet');
