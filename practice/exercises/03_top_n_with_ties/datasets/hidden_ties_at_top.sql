-- Two tweets tie for first: ranks go 1, 1, 3, 4 (so the 4th is out).
create table tweets (tweet_id bigint, author_id bigint, topic varchar);
insert into tweets values (1, 200, 'news'), (2, 201, 'news'), (3, 202, 'news'), (4, 203, 'news');
create table likes (user_id bigint, tweet_id bigint, liked_at timestamp);
insert into likes values
    (20, 1, '2026-11-02 09:00:00'), (21, 1, '2026-11-02 09:00:00'),
    (22, 1, '2026-11-02 09:00:00'),
    (20, 2, '2026-11-02 09:00:00'), (21, 2, '2026-11-02 09:00:00'),
    (22, 2, '2026-11-02 09:00:00'),
    (20, 3, '2026-11-02 09:00:00'), (21, 3, '2026-11-02 09:00:00'),
    (20, 4, '2026-11-02 09:00:00');
