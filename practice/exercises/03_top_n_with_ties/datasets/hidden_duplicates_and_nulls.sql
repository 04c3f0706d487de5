-- Redelivered likes (count distinct users), a NULL topic group, a like of an unknown tweet.
create table tweets (tweet_id bigint, author_id bigint, topic varchar);
insert into tweets values
    (1, 300, null), (2, 300, null), (3, 301, 'tech'), (4, 302, 'tech'), (5, 303, 'tech'),
    (6, 304, 'tech');
create table likes (user_id bigint, tweet_id bigint, liked_at timestamp);
insert into likes values
    (30, 1, '2026-11-03 09:00:00'), (31, 1, '2026-11-03 09:00:00'),
    (30, 2, '2026-11-03 09:00:00'),
    (30, 3, '2026-11-03 09:00:00'), (30, 3, '2026-11-03 09:00:00'),
    (30, 3, '2026-11-03 09:00:00'),
    (31, 4, '2026-11-03 09:00:00'), (32, 4, '2026-11-03 09:00:00'),
    (33, 5, '2026-11-03 09:00:00'),
    (34, 6, '2026-11-03 09:00:00'),
    (35, 99, '2026-11-03 09:00:00'), (36, 99, '2026-11-03 09:00:00'),
    (37, 99, '2026-11-03 09:00:00');
