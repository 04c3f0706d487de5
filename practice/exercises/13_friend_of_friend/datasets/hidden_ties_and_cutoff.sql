-- Five candidates with tied mutual counts: the cut at 3 must use recommended_id.
create table follows (follower_id bigint, followee_id bigint, followed_at timestamp);
insert into follows values
    (10, 11, '2026-10-01 00:00:00'), (10, 12, '2026-10-01 00:00:00'),
    (11, 25, '2026-10-01 00:00:00'), (12, 25, '2026-10-01 00:00:00'),
    (11, 24, '2026-10-01 00:00:00'), (11, 23, '2026-10-01 00:00:00'),
    (12, 22, '2026-10-01 00:00:00'), (12, 21, '2026-10-01 00:00:00');
