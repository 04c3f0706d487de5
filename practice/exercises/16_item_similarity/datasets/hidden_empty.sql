-- Only impressions: no engagement, no pair.
create table engagements (user_id bigint, tweet_id bigint, event_type varchar);
insert into engagements values (30, 400, 'impression'), (31, 400, 'impression');
