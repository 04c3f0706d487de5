-- Tweets but no likes at all: nothing is ranked.
create table tweets (tweet_id bigint, author_id bigint, topic varchar);
insert into tweets values (1, 400, 'art'), (2, 401, 'art');
create table likes (user_id bigint, tweet_id bigint, liked_at timestamp);
