-- No edges.
create table follows (follower_id bigint, followee_id bigint, followed_at timestamp);
