-- Two topics; in 'sports' the 3rd and 4th tweets tie, so both are in.
create table tweets (tweet_id bigint, author_id bigint, topic varchar);
insert into tweets values
    (1, 100, 'sports'), (2, 100, 'sports'), (3, 101, 'sports'), (4, 102, 'sports'),
    (5, 102, 'sports'), (6, 103, 'music'), (7, 103, 'music');
create table likes (user_id bigint, tweet_id bigint, liked_at timestamp);
insert into likes values
    (10, 1, '2026-11-01 10:00:00'), (11, 1, '2026-11-01 10:01:00'),
    (12, 1, '2026-11-01 10:02:00'), (13, 1, '2026-11-01 10:03:00'),
    (10, 2, '2026-11-01 11:00:00'), (11, 2, '2026-11-01 11:01:00'),
    (12, 2, '2026-11-01 11:02:00'),
    (10, 3, '2026-11-01 12:00:00'), (11, 3, '2026-11-01 12:01:00'),
    (12, 4, '2026-11-01 12:00:00'), (13, 4, '2026-11-01 12:01:00'),
    (10, 5, '2026-11-01 13:00:00'),
    (10, 6, '2026-11-01 14:00:00'), (11, 6, '2026-11-01 14:01:00'),
    (12, 7, '2026-11-01 15:00:00');
