-- User 1 follows 2 and 3; both follow 4; 3 also follows 5 and 1; 2 follows 3.
create table follows (follower_id bigint, followee_id bigint, followed_at timestamp);
insert into follows values
    (1, 2, '2026-10-01 00:00:00'), (1, 3, '2026-10-01 00:00:00'),
    (2, 4, '2026-10-02 00:00:00'), (3, 4, '2026-10-02 00:00:00'),
    (3, 5, '2026-10-02 00:00:00'), (3, 1, '2026-10-02 00:00:00'),
    (2, 3, '2026-10-03 00:00:00');
