-- Repeated deliveries and several engagement types by the same user on one tweet.
create table engagements (user_id bigint, tweet_id bigint, event_type varchar);
insert into engagements values
    (10, 200, 'like'), (10, 200, 'like'), (10, 200, 'reply'), (10, 201, 'like'),
    (11, 200, 'click'), (11, 201, 'click'), (11, 201, 'click'),
    (12, 201, 'like'), (12, 203, 'like'),
    (13, 203, 'like'), (13, 203, 'impression'), (13, 200, 'impression');
